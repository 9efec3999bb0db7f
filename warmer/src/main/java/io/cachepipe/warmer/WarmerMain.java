package io.cachepipe.warmer;

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
import io.cachepipe.ops.audit.AuditConfig;
import io.cachepipe.ops.audit.BackgroundAudit;
import io.cachepipe.ops.audit.CacheAudit;
import io.cachepipe.store.postgres.DataSources;
import io.cachepipe.store.postgres.LoadTimer;
import io.cachepipe.store.postgres.ViewLoader;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.RedisConnector;
import java.time.Clock;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the warmer on its own, configured by environment variables (see docs/configuration.md). */
public final class WarmerMain {
    private static final Logger log = LoggerFactory.getLogger(WarmerMain.class);

    private WarmerMain() {
    }

    public static void main(String[] args) {
        PartStart.run("warmer", WarmerMain::start);
    }

    private static void start() throws Exception {
        Settings settings = Settings.fromProcess(Map.of());
        Settings.Section<PostgresConfig> postgres = settings.section(PostgresConfig::read);
        Settings.Section<KafkaConfig> kafka = settings.section(KafkaConfig::read);
        Settings.Section<RedisConfig> redis = settings.section(RedisConfig::read);
        Settings.Section<CacheConfig> cache = settings.section(CacheConfig::read);
        KafkaConfig kafkaRead = kafka.orNull();
        Settings.Section<WarmerConfig> config = settings.section(
                s -> WarmerConfig.read(s, kafkaRead == null ? "cachepipe" : kafkaRead.topicPrefix()));
        Settings.Section<AuditConfig> auditConfig = settings.section(AuditConfig::read);
        settings.validate();
        log.info("warmer configuration: {}", settings.describeResolved());

        ViewCatalog catalog = ViewsFile.load(cache.get().viewsFile());
        var metrics = Metrics.prometheus("warmer");
        var pool = DataSources.pool(postgres.get(), "warmer", metrics);
        var connector = RedisConnector.connect(redis.get(), metrics);
        var store = CacheStore.open(connector, redis.get().namespace(), catalog, cache.get());
        var warmer = new Warmer(kafka.get(), config.get(), cache.get(), catalog, store, pool, metrics, Clock.systemUTC());
        var audit = new BackgroundAudit(new CacheAudit(store, new ViewLoader(pool, LoadTimer.Cause.AUDIT), pool, Clock.systemUTC(),
                RandomGenerator.getDefault()), auditConfig.get(), metrics);
        var admin = AdminServer.start("0.0.0.0", config.get().adminPort(), metrics, warmer::isReady);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            audit.close();
            warmer.close();
            connector.close();
            pool.close();
            admin.close();
        }, "cachepipe-warmer-shutdown"));
        warmer.start();
        audit.start();
    }
}
