package io.cachepipe.invalidator;

import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.metrics.AdminServer;
import io.cachepipe.core.metrics.Metrics;
import io.cachepipe.core.process.PartStart;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.store.postgres.ConnectionPool;
import io.cachepipe.store.postgres.DataSources;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.RedisConnector;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the invalidator on its own, configured by environment variables (see docs/configuration.md). */
public final class InvalidatorMain {
    private static final Logger log = LoggerFactory.getLogger(InvalidatorMain.class);

    private InvalidatorMain() {
    }

    public static void main(String[] args) {
        PartStart.run("invalidator", InvalidatorMain::start);
    }

    private static void start() throws Exception {
        Settings settings = Settings.fromProcess(Map.of());
        Settings.Section<KafkaConfig> kafka = settings.section(KafkaConfig::read);
        Settings.Section<RedisConfig> redis = settings.section(RedisConfig::read);
        Settings.Section<CacheConfig> cache = settings.section(CacheConfig::read);
        KafkaConfig kafkaRead = kafka.orNull();
        Settings.Section<InvalidatorConfig> config = settings.section(
                s -> InvalidatorConfig.read(s, kafkaRead == null ? "cachepipe" : kafkaRead.topicPrefix()));
        // PostgreSQL is optional here: with it, plain row views are updated from row images (RowImages).
        PostgresConfig postgres = settings.raw(PostgresConfig.URL) == null ? null : settings.read(PostgresConfig::read);
        settings.validate();
        log.info("invalidator configuration: {}", settings.describeResolved());

        ViewCatalog catalog = ViewsFile.load(cache.get().viewsFile());
        var metrics = Metrics.prometheus("invalidator");
        var connector = RedisConnector.connect(redis.get(), metrics);
        var store = CacheStore.open(connector, redis.get().namespace(), catalog, cache.get());
        ConnectionPool database = postgres == null ? null : DataSources.pool(postgres, "invalidator", metrics);
        var invalidator = new Invalidator(kafka.get(), config.get(), catalog, store, metrics, Clock.systemUTC(), database);
        var admin = AdminServer.start("0.0.0.0", config.get().adminPort(), metrics, invalidator::isReady);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            invalidator.close();
            connector.close();
            admin.close();
        }, "cachepipe-invalidator-shutdown"));
        invalidator.start();
        if (database != null) {
            database.close(); // only start() describes the views
        }
    }
}
