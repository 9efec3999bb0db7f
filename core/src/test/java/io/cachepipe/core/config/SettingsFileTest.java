package io.cachepipe.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsFileTest {
    private static final Map<String, String> VALUES = Map.of(
            "postgres.url", "jdbc:postgresql://127.0.0.1:5433/shop?sslmode=disable",
            "postgres.password", "pa:ss'w\"ord #1",
            "kafka.bootstrap", "127.0.0.1:9092",
            "api.port", "8080",
            "views.file", "classpath:examples/catalog/views.yaml");

    @Test
    void whatIsWritten_readsBackAsTheSameSettings_secretsIncluded(@TempDir Path dir) throws Exception {
        Path file = SettingsFile.write(dir.resolve(".cachepipe"), VALUES, "a test");

        assertThat(file).isAbsolute().hasFileName(SettingsFile.NAME);
        Settings settings = Settings.of(Map.of()).withFile(file);
        VALUES.forEach((key, value) -> assertThat(settings.raw(setting(key))).as(key).isEqualTo(value));
        PostgresConfig postgres = settings.read(PostgresConfig::read);
        settings.validate();
        assertThat(postgres.password()).isEqualTo("pa:ss'w\"ord #1");
        assertThat(Files.readString(file)).startsWith("# cachepipe settings, written by a test at ")
                .contains("export CACHEPIPE_CONFIG=" + file);
    }

    @Test
    void theFileIsReadableByItsOwnerOnly_andNoTemporaryFileIsLeft(@TempDir Path dir) throws Exception {
        assumeThat(FileSystems.getDefault().supportedFileAttributeViews()).contains("posix");
        Path file = SettingsFile.write(dir, VALUES, "a test");
        SettingsFile.write(dir, Map.of("api.port", "9090"), "a second run");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Settings.of(Map.of()).withFile(file).raw(setting("api.port"))).isEqualTo("9090");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void theDefaultLocationIsTheDemosDataDirectory() {
        assertThat(SettingsFile.DEFAULT_LOCATION).isEqualTo(Path.of(".cachepipe", "cachepipe.settings"));
    }

    @Test
    void aRelativePathInASettingsFile_isRelativeToItsDirectory_andOneFromTheEnvironmentToTheWorkingDirectory(@TempDir Path dir)
            throws Exception {
        Path file = Files.writeString(dir.resolve("cachepipe.yaml"), "views: {file: views.yaml}\ninvalidator: {state-dir: /var/lib/streams}\n");
        Settings fromFile = Settings.of(Map.of(), new java.util.Properties(), Map.of()).withFile(file);
        Settings fromEnvironment = Settings.of(Map.of(), new java.util.Properties(), Map.of("CACHEPIPE_VIEWS_FILE", "views.yaml")).withFile(file);
        Settings bundled = Settings.of(Map.of("views.file", "classpath:catalog/views.yaml"));

        assertThat(fromFile.get(CacheConfig.VIEWS_FILE)).isEqualTo(dir.resolve("views.yaml").toString());
        assertThat(fromFile.get(Setting.optional("invalidator.state-dir", "x", Parsers.nonBlank(), "a directory").asPath()))
                .as("absolute").isEqualTo("/var/lib/streams");
        assertThat(fromEnvironment.get(CacheConfig.VIEWS_FILE)).isEqualTo("views.yaml");
        assertThat(bundled.get(CacheConfig.VIEWS_FILE)).isEqualTo("classpath:catalog/views.yaml");
    }

    private static Setting<String> setting(String key) {
        return Setting.required(key, Parsers.text(), key);
    }
}
