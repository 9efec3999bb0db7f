package io.cachepipe.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.api.ApiConfig;
import io.cachepipe.cdc.CdcConfig;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.invalidator.InvalidatorConfig;
import io.cachepipe.store.kafka.ConsumerLag;
import io.cachepipe.store.kafka.KafkaRefusal;
import io.cachepipe.store.kafka.TopicAdmin;
import io.cachepipe.store.redis.ViewKeys;
import io.cachepipe.warmer.WarmerConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cachepipe stats}: one screen on how the cache is doing, each figure from its source of truth:
 * hit rates from the API ({@code /cache/stats}), keys and memory from Redis, lag per stage from Kafka's
 * Admin API, freshness percentiles from the processes' {@code /metrics}, slot lag from PostgreSQL.
 * A source that cannot be reached is shown as such; the others are still shown.
 */
@Command(name = "stats", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Hit rate per view, keys, memory, lag per stage, freshness percentiles and replication slot lag.",
        footer = {"", "Exit codes: 0 done, 1 failed, 2 bad arguments or settings."})
public final class StatsCommand extends OpsCommand {
    @Option(names = "--api-url", paramLabel = "<url>", description = "the API to ask for hit rates (default: http://127.0.0.1:<api.port>)")
    @Nullable String apiUrl;

    @Option(names = "--metrics-url", paramLabel = "<url>", description = "a /metrics endpoint to read freshness from (repeatable; "
            + "default: the API's, the invalidator's and the warmer's on 127.0.0.1)")
    List<String> metricsUrls = new ArrayList<>();

    @Override
    int run() throws Exception {
        Settings settings = settings();
        var postgresSection = settings.section(PostgresConfig::read);
        var kafkaSection = settings.section(KafkaConfig::read);
        var redisSection = settings.section(RedisConfig::read);
        var cacheSection = settings.section(CacheConfig::read);
        KafkaConfig kafkaRead = kafkaSection.orNull();
        String prefix = kafkaRead == null ? "cachepipe" : kafkaRead.topicPrefix();
        var invalidatorSection = settings.section(s -> InvalidatorConfig.read(s, prefix));
        var warmerSection = settings.section(s -> WarmerConfig.read(s, prefix));
        var cdcSection = settings.section(CdcConfig::read);
        var apiSection = settings.section(ApiConfig::read);
        settings.validate();
        PostgresConfig postgres = postgresSection.get();
        KafkaConfig kafka = kafkaSection.get();
        RedisConfig redis = redisSection.get();
        CacheConfig cache = cacheSection.get();
        InvalidatorConfig invalidator = invalidatorSection.get();
        WarmerConfig warmer = warmerSection.get();
        CdcConfig cdc = cdcSection.get();
        ApiConfig api = apiSection.get();
        String base = apiUrl != null ? apiUrl : "http://127.0.0.1:" + api.port();
        if (metricsUrls.isEmpty()) {
            metricsUrls = List.of(base + "/metrics", "http://127.0.0.1:" + invalidator.adminPort() + "/metrics",
                    "http://127.0.0.1:" + warmer.adminPort() + "/metrics");
        }
        try (var clients = new CacheClients(cache, redis, postgres)) {
            cacheSection(clients, base, redis);
            lagSection(kafka, invalidator, warmer);
            freshnessSection();
            slotSection(clients, cdc);
        }
        return 0;
    }

    private void cacheSection(CacheClients clients, String base, RedisConfig redis) {
        JsonNode stats = getJson(base + "/cache/stats");
        out().println("Cache (namespace " + redis.namespace() + ")");
        Map<String, String> info = clients.redis.info("memory");
        out().println("  redis memory used: " + info.getOrDefault("used_memory_human", "?") + " (peak " + info.getOrDefault("used_memory_peak_human", "?") + ")");
        out().printf("  %-24s %10s %10s %9s%n", "view", "keys", "requests", "hit rate");
        long now = System.currentTimeMillis();
        var viewKeys = new ViewKeys(clients.store);
        for (ViewDefinition view : clients.catalog.views()) {
            long keys = viewKeys.live(view, now);
            JsonNode figures = stats == null ? null : stats.path("views").get(view.name());
            out().printf(Locale.ROOT, "  %-24s %10d %10s %9s%n", view.name(), keys,
                    figures == null ? "-" : Long.toString(figures.path("requests").asLong()),
                    figures == null ? "-" : String.format(Locale.ROOT, "%.1f%%", figures.path("hitRate").asDouble() * 100));
        }
        if (stats == null) {
            out().println("  (hit rates unknown: the API at " + base + " did not answer /cache/stats)");
        } else {
            out().printf(Locale.ROOT, "  total hit rate %.1f%% over %d requests%n", stats.path("total").path("hitRate").asDouble() * 100,
                    stats.path("total").path("requests").asLong());
        }
    }

    private void lagSection(KafkaConfig kafka, InvalidatorConfig invalidator, WarmerConfig warmer) {
        out().println("Lag (records behind, as kafka-consumer-groups --describe shows)");
        try (Admin admin = TopicAdmin.admin(kafka)) {
            out().printf("  %-12s %-32s %10d%n", "invalidator", invalidator.applicationId(), ConsumerLag.total(admin, invalidator.applicationId()));
            out().printf("  %-12s %-32s %10d%n", "warmer", warmer.groupId(), ConsumerLag.total(admin, warmer.groupId()));
        } catch (RuntimeException e) {
            // Kafka down is a figure unknown; Kafka refusing these settings is a problem to fix, reported as one.
            KafkaRefusal.throwIfRefused(e, kafka);
            out().println("  unknown: " + e.getMessage());
        }
    }

    /**
     * Freshness percentiles from the processes' histograms ({@code _bucket} lines, summed over instances
     * and labels), interpolated within a bucket as Prometheus' {@code histogram_quantile} does.
     */
    private void freshnessSection() {
        out().println("Freshness (commit to Redis, ms; from /metrics histograms)");
        ScrapedMetrics scraped = HttpPages.scrape(metricsUrls);
        Map<String, TreeMap<Double, Double>> buckets = new TreeMap<>();
        for (String name : List.of(MetricNames.FRESHNESS_INVALIDATED, MetricNames.FRESHNESS_WARMED)) {
            String shown = name.replace('.', '_');
            scraped.histograms(shown + "_seconds").values().forEach(histogram -> buckets.put(shown, histogram));
        }
        if (buckets.isEmpty()) {
            out().println("  unknown: no freshness histograms at " + String.join(", ", metricsUrls));
            return;
        }
        buckets.forEach((name, cumulative) -> {
            double count = cumulative.lastEntry().getValue();
            if (count == 0) {
                out().printf("  %-40s no samples yet%n", name);
                return;
            }
            out().printf(Locale.ROOT, "  %-40s p50 %8.1f  p95 %8.1f  p99 %8.1f  (%,.0f samples)%n", name,
                    ScrapedMetrics.quantile(cumulative, 0.5) * 1000, ScrapedMetrics.quantile(cumulative, 0.95) * 1000,
                    ScrapedMetrics.quantile(cumulative, 0.99) * 1000, count);
        });
    }

    private void slotSection(CacheClients clients, CdcConfig cdc) throws Exception {
        out().println("Replication slot");
        try (Connection connection = clients.pool().getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT active, "
                     + "pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?")) {
            statement.setString(1, cdc.slot());
            try (ResultSet rows = statement.executeQuery()) {
                if (rows.next()) {
                    out().printf(Locale.ROOT, "  %-24s %s, %,d bytes of WAL retained%n", cdc.slot(), rows.getBoolean(1) ? "active" : "INACTIVE",
                            rows.getLong(2));
                } else {
                    out().println("  " + cdc.slot() + ": no such slot (cdc-capture creates it on its first start)");
                }
            }
        }
    }

    private @Nullable JsonNode getJson(String url) {
        String text = HttpPages.get(url);
        try {
            return text == null ? null : Json.mapper().readTree(text);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
