package io.cachepipe.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnknownSettingsTest {

    @Test
    void aMisspeltKeyOrVariable_ofASectionThisProcessReads_isAProblem_namingTheSettingMeant(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cachepipe.yaml");
        Files.writeString(file, """
                postgres: {url: "jdbc:postgresql://db:5432/shop", pool-sise: 3}
                redis: {url: "redis://cache:6379"}
                cache: {namespace: "team-a:"}
                postgress: {user: shop}
                kafka: {bootstrap: "k:9092", properties: {security.protocol: SSL}}
                audit: {interval: 5s}
                views: {file: views.yaml}
                """);
        Settings settings = Settings.of(Map.of(), new Properties(), Map.of("CACHEPIPE_REDIS_NAMESPAC", "team-b:",
                "CACHEPIPE_JAVA_OPTS", "-Xmx1g", "CACHEPIPE_DEVSTACK_DIR", "/tmp/x", "CACHEPIPE_KAFKA_PROPERTIES_SASL_MECHANISM", "PLAIN"))
                .withFile(file);
        settings.read(PostgresConfig::read);
        settings.read(RedisConfig::read);
        settings.read(KafkaConfig::read);
        settings.read(CacheConfig::read);

        ConfigException e = catchThrowableOfType(ConfigException.class, settings::validate);

        assertThat(e.problems()).containsExactly(
                "settings file " + file + ": 'cache.namespace' is not a setting (did you mean 'redis.namespace'?)",
                "settings file " + file + ": 'postgres.pool-sise' is not a setting (did you mean 'postgres.pool-size'?)",
                "settings file " + file + ": 'postgress.user' is not a setting (did you mean 'postgres.user'?)",
                "environment CACHEPIPE_REDIS_NAMESPAC is not a setting (did you mean CACHEPIPE_REDIS_NAMESPACE?)");
    }

    @Test
    void theSettingsOfASectionThisProcessDoesNotRead_areAnotherProcesssToCheck() {
        assertThat(UnknownSettings.find("f", java.util.List.of("warmer.loaders", "audit.interval"), java.util.List.of("CACHEPIPE_WARMER_LOADERX"))).isEmpty();
    }
}
