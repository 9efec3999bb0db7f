package io.cachepipe.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets from files ({@code <VAR>_FILE}) and client settings handed on whole ({@code kafka.properties.*}). */
class PassThroughSettingsTest {
    private static final String URL = "jdbc:postgresql://db/shop";

    @TempDir
    Path dir;

    @Test
    void aSecretIsReadFromTheFileItsFileVariableNames_withoutTheTrailingNewline() throws Exception {
        Path secret = Files.writeString(dir.resolve("pg"), "s3cret\n");
        Settings settings = Settings.of(Map.of(), new Properties(), Map.of("CACHEPIPE_POSTGRES_URL", URL,
                "CACHEPIPE_POSTGRES_PASSWORD_FILE", secret.toString()));

        PostgresConfig config = settings.section(PostgresConfig::read).get();

        assertThat(config.password()).isEqualTo("s3cret");
        assertThat(settings.describeResolved()).contains("postgres.password=****").doesNotContain("s3cret");
    }

    @Test
    void aFileThatCannotBeRead_orAValueGivenTwice_isAProblem_andNotAlsoMissing() {
        Settings settings = Settings.of(Map.of(), new Properties(), Map.of("CACHEPIPE_POSTGRES_URL_FILE", dir.resolve("nope").toString(),
                "CACHEPIPE_POSTGRES_PASSWORD", "a", "CACHEPIPE_POSTGRES_PASSWORD_FILE", dir.resolve("nope").toString()));
        settings.read(PostgresConfig::read);

        assertThatThrownBy(settings::validate)
                .hasMessageContaining("postgres.url: CACHEPIPE_POSTGRES_URL_FILE = " + dir.resolve("nope") + " cannot be read")
                .hasMessageContaining("postgres.password: both CACHEPIPE_POSTGRES_PASSWORD and CACHEPIPE_POSTGRES_PASSWORD_FILE are set")
                .hasMessageNotContaining("postgres.url is required");
    }

    @Test
    void clientSettings_comeFromEverySource_strongestFirst_andSecretOnesAreMasked() throws Exception {
        Path jaas = Files.writeString(dir.resolve("jaas"), "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"p\";");
        Path file = Files.writeString(dir.resolve("cachepipe.yaml"), """
                kafka:
                  bootstrap: k:9093
                  properties:
                    security.protocol: PLAINTEXT
                    ssl.truststore.location: /etc/kafka/trust.p12
                """);
        Properties system = new Properties();
        system.setProperty("cachepipe.kafka.properties.request.timeout.ms", "20000");
        Settings settings = Settings.of(Map.of("kafka.properties.client.rack", "eu-1"), system, Map.of(
                "CACHEPIPE_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SASL_SSL",
                "CACHEPIPE_KAFKA_PROPERTIES_SASL_MECHANISM", "PLAIN",
                "CACHEPIPE_KAFKA_PROPERTIES_SASL_JAAS_CONFIG_FILE", jaas.toString())).withFile(file);

        KafkaConfig kafka = settings.section(KafkaConfig::read).get();

        assertThat(kafka.clientProperties()).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "PLAIN"),
                Map.entry("sasl.jaas.config", Files.readString(jaas)),
                Map.entry("ssl.truststore.location", "/etc/kafka/trust.p12"),
                Map.entry("request.timeout.ms", "20000"),
                Map.entry("client.rack", "eu-1"));
        assertThat(settings.describeResolved()).contains("kafka.properties.sasl.jaas.config=****").doesNotContain("password=\"p\"");
        assertThat(kafka.toString()).contains("sasl.jaas.config=****").doesNotContain("PlainLoginModule");
    }

    @Test
    void clientSettingsCachepipeOwns_areRefused_withTheSettingToUseInstead() {
        Settings settings = Settings.of(Map.of("kafka.bootstrap", "k:9092", "kafka.properties.bootstrap.servers", "other:9092",
                "kafka.properties.group.id", "mine"));
        settings.read(KafkaConfig::read);

        assertThatThrownBy(settings::validate)
                .hasMessageContaining("kafka.properties.bootstrap.servers is set by cachepipe for each client; use kafka.bootstrap")
                .hasMessageContaining("kafka.properties.group.id is set by cachepipe for each client");
    }
}
