package io.cachepipe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.core.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiConfigTest {
    private static final String TOKEN = "write-token-0123456789abcdef";

    @Test
    void writesAreOpenByDefault_withDocumentedLimits() {
        ApiConfig config = ApiConfig.read(Settings.of(Map.of()));
        assertThat(config.writeToken()).isEmpty();
        assertThat(config.maxBodyBytes()).isEqualTo(1_048_576);
        assertThat(config.maxStringLength()).isEqualTo(10_000);
    }

    @Test
    void theWriteTokenIsMaskedWherever_theConfigIsPrinted() {
        Settings settings = Settings.of(Map.of("api.write-token", TOKEN));
        ApiConfig config = settings.read(ApiConfig::read);
        settings.validate();
        assertThat(config.writeToken()).isEqualTo(TOKEN);
        assertThat(config.toString()).contains("writeToken=****").doesNotContain(TOKEN);
        assertThat(settings.describeResolved()).contains("api.write-token=****").doesNotContain(TOKEN);
    }

    @Test
    void aShortWriteToken_isRefusedAtStart_withoutEchoingIt() {
        Settings settings = Settings.of(Map.of("api.write-token", "secret"));
        settings.read(ApiConfig::read);
        assertThatThrownBy(settings::validate).hasMessageContaining("api.write-token = '****'").hasMessageContaining("too short")
                .hasMessageNotContaining("'secret'");
    }
}
