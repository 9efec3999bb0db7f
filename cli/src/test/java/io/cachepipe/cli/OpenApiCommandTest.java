package io.cachepipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.cli.ops.SettingsLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cachepipe openapi} reads the views file the settings name, or --views, and says what is wrong with either. */
class OpenApiCommandTest {
    @TempDir
    Path directory;

    private Cli.Result openapi(Map<String, String> environment, String... args) {
        var lookup = new SettingsLookup(environment, new Properties(), directory, CachepipeCommand.everySetting());
        List<String> all = new java.util.ArrayList<>(List.of("openapi"));
        all.addAll(List.of(args));
        return Cli.run(CachepipeCommand.commandLine(lookup), all);
    }

    @Test
    void withoutViews_theViewsFileSettingIsUsed_andItsLimitsAreStated() throws Exception {
        Path views = directory.resolve("views.yaml");
        Files.copy(Path.of("../examples/catalog/views.yaml"), views);
        Cli.Result result = openapi(Map.of("CACHEPIPE_VIEWS_FILE", views.toString(), "CACHEPIPE_API_MAX_STRING_LENGTH", "321"));
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("{").contains("\"openapi\" : \"3.0.3\"", "\"/products/{id}\"", "\"maxLength\" : 321");
    }

    @Test
    void noViewsFileAnywhere_orAMissingOne_isExit2_namingIt() {
        Cli.Result unset = openapi(Map.of());
        assertThat(unset.exit()).isEqualTo(2);
        assertThat(unset.err()).contains("views.file");
        Cli.Result missing = openapi(Map.of(), "--views", directory.resolve("nope.yaml").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.yaml", "cannot be read");
    }
}
