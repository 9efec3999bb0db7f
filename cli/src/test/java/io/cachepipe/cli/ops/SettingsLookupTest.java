package io.cachepipe.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.cli.CachepipeCommand;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.config.SettingsFile;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLookupTest {
    @TempDir
    Path home;

    @Test
    void withNoSettingsGiven_theDemosFileInTheWorkingDirectoryIsUsed_andNamed() throws Exception {
        Path file = SettingsFile.write(home.resolve(".cachepipe"), Map.of("kafka.bootstrap", "demo:9092"), "a test");

        SettingsLookup.Found found = lookup(Map.of("CACHEPIPE_JAVA_OPTS", "-Xmx1g")).find(null, Map.of());

        assertThat(found.file()).isEqualTo(file);
        assertThat(found.origin()).isEqualTo(SettingsLookup.Origin.DEFAULT);
        assertThat(found.settings().raw(KafkaConfig.BOOTSTRAP)).isEqualTo("demo:9092");
        assertThat(found.announcement()).isEqualTo("cachepipe: settings from " + file
                + " (found in .cachepipe/, where cachepipe demo writes it)");
    }

    @Test
    void aSettingInTheEnvironment_meansTheEnvironmentNamesTheSystem_soTheDemosFileIsNotRead() throws Exception {
        SettingsFile.write(home.resolve(".cachepipe"), Map.of("kafka.bootstrap", "demo:9092"), "a test");

        SettingsLookup.Found found = lookup(Map.of("CACHEPIPE_REDIS_URL", "redis://prod:6379")).find(null, Map.of());

        assertThat(found.file()).isNull();
        assertThat(found.announcement()).isNull();
        assertThat(found.settings().raw(KafkaConfig.BOOTSTRAP)).isNull();
        assertThat(found.whereSettingsComeFrom()).contains("was not read because CACHEPIPE_* settings are set");
    }

    @Test
    void dashC_winsOverCachepipeConfig_whichWinsOverTheDefault_andSetWinsOverAnyFile() throws Exception {
        SettingsFile.write(home.resolve(".cachepipe"), Map.of("kafka.bootstrap", "demo:9092"), "a test");
        Path named = SettingsFile.write(home.resolve("named"), Map.of("kafka.bootstrap", "named:9092"), "a test");
        Path option = SettingsFile.write(home.resolve("option"), Map.of("kafka.bootstrap", "option:9092"), "a test");
        SettingsLookup lookup = lookup(Map.of("CACHEPIPE_CONFIG", "named/cachepipe.settings"));

        assertThat(lookup.find(null, Map.of()).file()).isEqualTo(named);
        assertThat(lookup.find(null, Map.of()).announcement()).endsWith("(CACHEPIPE_CONFIG)");
        assertThat(lookup.find(Path.of("option", "cachepipe.settings"), Map.of()).file()).isEqualTo(option);
        assertThat(lookup.find(null, Map.of("kafka.bootstrap", "set:9092")).settings().raw(KafkaConfig.BOOTSTRAP)).isEqualTo("set:9092");
    }

    @Test
    void withNothingAnywhere_noFileIsUsed_andTheHintSaysHowToPointAtTheDemo() {
        SettingsLookup.Found found = lookup(Map.of()).find(null, Map.of());
        assertThat(found.file()).isNull();
        assertThat(found.whereSettingsComeFrom()).contains(".cachepipe/cachepipe.settings").contains("export CACHEPIPE_CONFIG=");
    }

    private SettingsLookup lookup(Map<String, String> environment) {
        return new SettingsLookup(environment, new Properties(), home, CachepipeCommand.everySetting());
    }
}
