package io.cachepipe.api;

import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.RedisConnector;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.store.postgres.DataSources;
import io.cachepipe.store.postgres.ViewSchemaCheck;
import io.cachepipe.core.metrics.Metrics;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewsFile;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the API on its own, configured by environment variables (see docs/configuration.md). */
public final class ApiMain {
    private static final Logger log = LoggerFactory.getLogger(ApiMain.class);

    private ApiMain() {
    }

    public static void main(String[] args) {
        Settings settings = Settings.fromProcess(Map.of());
        PostgresConfig postgres = settings.read(PostgresConfig::read);
        RedisConfig redis = settings.read(RedisConfig::read);
        CacheConfig cache = settings.read(CacheConfig::read);
        ApiConfig config = settings.read(ApiConfig::read);
        io.cachepipe.core.config.KafkaConfig kafka = settings.raw(io.cachepipe.core.config.KafkaConfig.BOOTSTRAP) == null
                ? null : settings.read(io.cachepipe.core.config.KafkaConfig::read);
        settings.validate();
        log.info("api configuration: {}", settings.describeResolved());

        ViewCatalog catalog = ViewsFile.load(cache.viewsFile());
        var metrics = Metrics.prometheus("api");
        var pool = DataSources.pool(postgres, "api", metrics);
        ViewSchemaCheck.check(catalog, pool);
        var connector = RedisConnector.connect(redis, metrics);
        var store = CacheStore.open(connector, redis.namespace(), catalog, cache);
        var api = new ApiServer(config, cache, redis, catalog, store, pool, metrics, Clock.systemUTC());
        if (kafka != null) {
            // The summary's lag figures assume the default group names (<prefix>-invalidator, <prefix>-warmer).
            api.withPipelineProbe(new io.cachepipe.api.admin.PipelineProbe(kafka, Map.of(
                    "invalidator", kafka.topicPrefix() + "-invalidator", "warmer", kafka.topicPrefix() + "-warmer")));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            connector.close();
            pool.close();
        }, "cachepipe-api-shutdown"));
        api.start();
    }
}
