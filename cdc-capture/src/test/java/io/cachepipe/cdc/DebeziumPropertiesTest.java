package io.cachepipe.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.Settings;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** What the engine is given: the database as the PostgreSQL driver reads the URL, Kafka's client settings, the operator's properties. */
class DebeziumPropertiesTest {
    private static final List<TableName> TABLES = List.of(new TableName("public", "products"));

    @Test
    void theUrlsParameters_tlsIncluded_reachDebezium_asTheDriverParsesThem() {
        Properties props = properties("jdbc:postgresql://db.example:6432/shop?sslmode=verify-full&sslrootcert=/etc/ca.pem"
                + "&ApplicationName=cachepipe", Map.of());

        assertThat(props).containsEntry("database.hostname", "db.example").containsEntry("database.port", "6432")
                .containsEntry("database.dbname", "shop").containsEntry("database.sslmode", "verify-full")
                .containsEntry("database.sslrootcert", "/etc/ca.pem").containsEntry("database.ApplicationName", "cachepipe");
    }

    @Test
    void aClientCertificate_itsKeyAndPassword_andAnSslFactory_reachDebezium_underItsOwnNames() {
        Properties props = properties("jdbc:postgresql://db.example/shop?sslmode=verify-ca&sslrootcert=/etc/ca.pem"
                + "&sslcert=/etc/client.pem&sslkey=/etc/client.pk8&sslpassword=k%26y&sslfactory=org.postgresql.ssl.LibPQFactory"
                + "&user=ignored&password=ignored", Map.of());

        // PostgresConnectorConfig's database.sslmode, .sslrootcert, .sslcert, .sslkey, .sslpassword, .sslfactory
        assertThat(props).containsEntry("database.sslmode", "verify-ca").containsEntry("database.sslrootcert", "/etc/ca.pem")
                .containsEntry("database.sslcert", "/etc/client.pem").containsEntry("database.sslkey", "/etc/client.pk8")
                .containsEntry("database.sslpassword", "k&y").containsEntry("database.sslfactory", "org.postgresql.ssl.LibPQFactory")
                .containsEntry("database.port", "5432")
                .containsEntry("database.user", "postgres").containsEntry("database.password", ""); // postgres.user/password win
    }

    @Test
    void aUrlOfSeveralHosts_isRefused_namingThem() {
        assertThatThrownBy(() -> properties("jdbc:postgresql://a:5432,b:5432/shop?targetServerType=primary", Map.of()))
                .hasMessageContaining("postgres.url names several hosts (a,b)");
    }

    @Test
    void kafkasClientSettings_andTheOperatorsConnectorProperties_areGiven() {
        Properties props = properties("jdbc:postgresql://db/shop", Map.of("kafka.properties.security.protocol", "SSL",
                "cdc.debezium.snapshot.fetch.size", "20000", "cdc.debezium.incremental.snapshot.chunk.size", "4096"));

        assertThat(props).containsEntry("security.protocol", "SSL").containsEntry("bootstrap.servers", "k:9092")
                .containsEntry("snapshot.fetch.size", "20000").containsEntry("incremental.snapshot.chunk.size", "4096")
                .containsEntry("topic.prefix", "cachepipe");
    }

    @Test
    void theOffsetStoresClients_waitTenSecondsForKafka_notSixty_unlessTheOperatorSaysOtherwise() {
        assertThat(properties("jdbc:postgresql://db/shop", Map.of())).containsEntry("default.api.timeout.ms", "10000")
                .containsEntry("request.timeout.ms", "10000");
        assertThat(properties("jdbc:postgresql://db/shop", Map.of("kafka.properties.request.timeout.ms", "20000",
                "kafka.properties.default.api.timeout.ms", "40000")))
                .containsEntry("default.api.timeout.ms", "40000").containsEntry("request.timeout.ms", "20000");
    }

    @Test
    void theSignalTable_isCapturedAndNamedToDebezium_andItsChannelsStayOnWhateverTheOperatorAdds() {
        Properties defaults = properties("jdbc:postgresql://db/shop", Map.of());
        assertThat(defaults).containsEntry("signal.data.collection", "public.cachepipe_signal")
                .containsEntry("signal.enabled.channels", "source").containsEntry("notification.enabled.channels", "sink")
                .containsEntry("notification.sink.topic.name", "cachepipe.cdc-notifications");
        assertThat(defaults.getProperty("table.include.list")).contains("public\\.cachepipe_signal").contains("public\\.products");

        Properties added = properties("jdbc:postgresql://db/shop", Map.of("cdc.debezium.notification.enabled.channels", "log,jmx",
                "cdc.debezium.signal.enabled.channels", "source, jmx"));
        assertThat(added).containsEntry("notification.enabled.channels", "log,jmx,sink").containsEntry("signal.enabled.channels", "source, jmx");

        Properties none = properties("jdbc:postgresql://db/shop", Map.of("cdc.signal-table", ""));
        assertThat(none).doesNotContainKey("signal.data.collection");
        assertThat(none.getProperty("table.include.list")).doesNotContain("signal");
    }

    @Test
    void connectorPropertiesThePipelineDependsOn_areRefused() {
        Settings settings = Settings.of(Map.of("cdc.debezium.topic.prefix", "x", "cdc.debezium.slot.name", "y",
                "cdc.debezium.signal.data.collection", "public.mine", "cdc.debezium.converter.replace.null.with.default", "true"));
        settings.read(CdcConfig::read);

        assertThatThrownBy(settings::validate).hasMessageContaining("cdc.debezium.slot.name is set by cachepipe")
                .hasMessageContaining("cdc.debezium.topic.prefix is set by cachepipe")
                .hasMessageContaining("cdc.debezium.signal.data.collection is set by cachepipe")
                .hasMessageContaining("cdc.debezium.converter.replace.null.with.default is set by cachepipe");
    }

    /** Kafka's JSON converter would write a null column's schema default (Debezium's copy of the column's DEFAULT) instead. */
    @Test
    void aNullIsWrittenAsNull_notAsTheColumnsDefault() {
        assertThat(properties("jdbc:postgresql://db/shop", Map.of())).containsEntry("converter.replace.null.with.default", "false");
    }

    private static Properties properties(String url, Map<String, String> more) {
        var values = new java.util.HashMap<>(Map.of("postgres.url", url, "kafka.bootstrap", "k:9092"));
        values.putAll(more);
        Settings settings = Settings.of(values);
        var postgres = settings.section(PostgresConfig::read);
        var kafka = settings.section(KafkaConfig::read);
        var cdc = settings.section(CdcConfig::read);
        settings.validate();
        return DebeziumProperties.of(postgres.get(), kafka.get(), cdc.get(), TABLES);
    }
}
