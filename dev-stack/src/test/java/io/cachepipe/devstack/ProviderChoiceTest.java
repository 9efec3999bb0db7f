package io.cachepipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.devstack.DevStackOptions.Provider;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ProviderChoiceTest {
    private static final DevStackOptions AUTO = DevStackOptions.defaults(Path.of("target/dev-stack"));
    private static final BooleanSupplier MUST_NOT_ASK = () -> {
        throw new AssertionError("asked about Docker although the provider was already decided");
    };

    @ParameterizedTest
    @EnumSource(value = Provider.class, names = {"EMBEDDED", "TESTCONTAINERS"})
    void explicitProvider_isUsed_withoutAskingAboutDocker(Provider provider) {
        assertThat(ProviderChoice.resolve(AUTO.withProvider(provider), MUST_NOT_ASK)).isEqualTo(provider);
    }

    @Test
    void explicitExternal_isUsed_withoutAskingAboutDocker() {
        DevStackOptions options = new DevStackOptions(Path.of("x"), Provider.EXTERNAL, 0, 0, 0,
                "jdbc:postgresql://db/app", null, null, "kafka:9092", "redis://cache");

        assertThat(ProviderChoice.resolve(options, MUST_NOT_ASK)).isEqualTo(Provider.EXTERNAL);
    }

    @Test
    void auto_withAllExternalServers_picksExternal_withoutAskingAboutDocker() {
        DevStackOptions options = new DevStackOptions(Path.of("x"), Provider.AUTO, 0, 0, 0,
                "jdbc:postgresql://db/app", null, null, "kafka:9092", "redis://cache");

        assertThat(ProviderChoice.resolve(options, MUST_NOT_ASK)).isEqualTo(Provider.EXTERNAL);
    }

    @Test
    void auto_withDocker_picksTestcontainers() {
        assertThat(ProviderChoice.resolve(AUTO, () -> true)).isEqualTo(Provider.TESTCONTAINERS);
    }

    @Test
    void auto_withoutDocker_picksEmbedded() {
        assertThat(ProviderChoice.resolve(AUTO, () -> false)).isEqualTo(Provider.EMBEDDED);
    }
}
