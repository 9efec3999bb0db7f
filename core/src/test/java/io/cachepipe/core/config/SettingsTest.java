package io.cachepipe.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void reportsEveryProblemOfEverySectionInOneException() {
        // A section's own checks (its record's compact constructor, here the cache TTLs) run once all its
        // values are there: with views.file missing, the cache section reports only that.
        Settings settings = Settings.of(Map.of(
                "postgres.url", "mysql://x", "postgres.pool-size", "zero",
                "redis.timeout", "forever", "cache.lease-ttl", "40s", "cache.tombstone-ttl", "30s"));
        settings.read(PostgresConfig::read);
        settings.read(RedisConfig::read);
        settings.read(KafkaConfig::read);
        settings.read(CacheConfig::read);
        assertThatThrownBy(settings::validate)
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "postgres.pool-size = 'zero' (from explicit value): expected a whole number",
                        "redis.timeout = 'forever' (from explicit value): expected a duration such as 250ms, 10s, 5m, 1h or 2d",
                        "kafka.bootstrap is required: set CACHEPIPE_KAFKA_BOOTSTRAP (Kafka bootstrap servers, host:port[,host:port])",
                        "views.file is required: set CACHEPIPE_VIEWS_FILE (path of the views declaration (YAML), relative to the settings file's"
                                + " directory when given there; classpath:<resource> for a bundled example)"));
    }

    @Test
    void compactConstructorsCheckWhatSingleValuesCannot() {
        Settings settings = Settings.of(Map.of("postgres.url", "mysql://x", "views.file", "v.yaml",
                "cache.lease-ttl", "40s", "cache.tombstone-ttl", "30s"));
        settings.read(PostgresConfig::read);
        settings.read(CacheConfig::read);
        assertThatThrownBy(settings::validate).hasMessageContaining("postgres.url = 'mysql://x': expected a URL starting with jdbc:postgresql://")
                .hasMessageContaining("cache.tombstone-ttl = 30s must be at least twice cache.lease-ttl = 40s");
    }

    @Test
    void secretsAreMaskedInTheResolvedSummary() {
        Settings settings = Settings.of(Map.of("postgres.url", "jdbc:postgresql://h/db", "postgres.password", "hunter2"));
        PostgresConfig config = settings.read(PostgresConfig::read);
        assertThat(settings.describeResolved()).contains("postgres.password=****").doesNotContain("hunter2");
        assertThat(config.toString()).doesNotContain("hunter2");
    }

    @Test
    void killSwitchReadsTheEnvironmentNameTheOperatorsUse() {
        assertThat(CacheConfig.ENABLED.env()).isEqualTo("CACHE_ENABLED");
        assertThat(Parsers.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Parsers.parseDuration("PT10S")).isEqualTo(Duration.ofSeconds(10));
    }
}
