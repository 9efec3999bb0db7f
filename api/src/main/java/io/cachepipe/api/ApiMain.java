package io.cachepipe.api;

import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.metrics.Metrics;
import io.cachepipe.core.process.PartStart;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.store.postgres.DataSources;
import io.cachepipe.store.postgres.ViewSchemaCheck;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.RedisConnector;
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
        PartStart.run("api", ApiMain::start);
    }

    private static void start() throws Exception {
        Settings settings = Settings.fromProcess(Map.of());
        Settings.Section<PostgresConfig> postgres = settings.section(PostgresConfig::read);
        Settings.Section<RedisConfig> redis = settings.section(RedisConfig::read);
        Settings.Section<CacheConfig> cache = settings.section(CacheConfig::read);
        Settings.Section<ApiConfig> config = settings.section(ApiConfig::read);
        io.cachepipe.core.config.KafkaConfig kafka = settings.raw(io.cachepipe.core.config.KafkaConfig.BOOTSTRAP) == null
                ? null : settings.read(io.cachepipe.core.config.KafkaConfig::read);
        settings.validate();
        log.info("api configuration: {}", settings.describeResolved());

        ViewCatalog catalog = ViewsFile.load(cache.get().viewsFile());
        var metrics = Metrics.prometheus("api");
        var pool = DataSources.pool(postgres.get(), "api", metrics);
        ViewSchemaCheck.check(catalog, pool, postgres.get().planCheckRows());
        var connector = RedisConnector.connect(redis.get(), metrics);
        var store = CacheStore.open(connector, redis.get().namespace(), catalog, cache.get());
        var api = new ApiServer(config.get(), cache.get(), redis.get(), catalog, store, pool, metrics, Clock.systemUTC());
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
