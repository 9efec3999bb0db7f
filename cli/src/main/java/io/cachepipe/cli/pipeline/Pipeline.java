package io.cachepipe.cli.pipeline;

import io.cachepipe.api.ApiConfig;
import io.cachepipe.api.ApiServer;
import io.cachepipe.api.admin.PipelineProbe;
import io.cachepipe.cdc.CdcCapture;
import io.cachepipe.cdc.CdcConfig;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.metrics.Metrics;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.invalidator.Invalidator;
import io.cachepipe.invalidator.InvalidatorConfig;
import io.cachepipe.ops.audit.AuditConfig;
import io.cachepipe.ops.audit.BackgroundAudit;
import io.cachepipe.ops.audit.CacheAudit;
import io.cachepipe.store.postgres.ConnectionPool;
import io.cachepipe.store.postgres.DataSources;
import io.cachepipe.store.postgres.LoadTimer;
import io.cachepipe.store.postgres.ViewLoader;
import io.cachepipe.store.postgres.ViewSchemaCheck;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.RedisConnector;
import io.cachepipe.warmer.Warmer;
import io.cachepipe.warmer.WarmerConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All four processes (cdc-capture, invalidator, warmer, api) in one JVM, for the demo and for
 * end-to-end tests. They share one metrics registry (all of it on the API's {@code /metrics}), one
 * Redis connection and one connection pool, but talk to each other only through PostgreSQL, Kafka
 * and Redis, exactly as separate processes do. Each part can be restarted on its own.
 */
public final class Pipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    /** The validated configuration of every part. */
    public record Config(PostgresConfig postgres, KafkaConfig kafka, RedisConfig redis, CacheConfig cache, CdcConfig cdc,
                         InvalidatorConfig invalidator, WarmerConfig warmer, AuditConfig audit, ApiConfig api) {
        /** Reads every section, reporting every problem of every section in one exception. */
        public static Config read(Settings settings) {
            Settings.Section<PostgresConfig> postgres = settings.section(PostgresConfig::read);
            Settings.Section<KafkaConfig> kafka = settings.section(KafkaConfig::read);
            KafkaConfig kafkaRead = kafka.orNull();
            String prefix = kafkaRead == null ? "cachepipe" : kafkaRead.topicPrefix();
            Settings.Section<RedisConfig> redis = settings.section(RedisConfig::read);
            Settings.Section<CacheConfig> cache = settings.section(CacheConfig::read);
            Settings.Section<CdcConfig> cdc = settings.section(CdcConfig::read);
            Settings.Section<InvalidatorConfig> invalidator = settings.section(s -> InvalidatorConfig.read(s, prefix));
            Settings.Section<WarmerConfig> warmer = settings.section(s -> WarmerConfig.read(s, prefix));
            Settings.Section<AuditConfig> audit = settings.section(AuditConfig::read);
            Settings.Section<ApiConfig> api = settings.section(ApiConfig::read);
            settings.validate();
            return new Config(postgres.get(), kafka.get(), redis.get(), cache.get(), cdc.get(), invalidator.get(), warmer.get(),
                    audit.get(), api.get());
        }
    }

    private final Config config;
    private final ViewCatalog catalog;
    private final PrometheusMeterRegistry metrics;
    private final ConnectionPool pool;
    private final RedisConnector redis;
    private final CacheStore store;
    private final Clock clock = Clock.systemUTC();
    // The parts: set by start() before it returns the pipeline, so null only while a failed start() closes them.
    private @Nullable CdcCapture cdc;
    private @Nullable Invalidator invalidator;
    private @Nullable Warmer warmer;
    private @Nullable ApiServer api;
    private @Nullable BackgroundAudit audit;

    private Pipeline(Config config, ViewCatalog catalog, PrometheusMeterRegistry metrics, ConnectionPool pool, CdcCapture cdc) {
        this.config = config;
        this.catalog = catalog;
        this.metrics = metrics;
        this.pool = pool;
        this.cdc = cdc;
        this.redis = RedisConnector.connect(config.redis(), metrics);
        this.store = new CacheStore(redis, new KeySpace(config.redis().namespace(), catalog), config.cache(), clock,
                RandomGenerator.getDefault());
    }

    /**
     * Checks the views against the database, starts every part and waits until each is ready.
     * cdc-capture starts first: it needs neither Redis nor the other parts, and Debezium's own start and
     * initial snapshot (the longest part of a first start) run while they connect and start.
     */
    public static Pipeline start(Config config) {
        ViewCatalog catalog = ViewsFile.load(config.cache().viewsFile());
        PrometheusMeterRegistry metrics = Metrics.prometheus("cachepipe");
        ConnectionPool pool = DataSources.pool(config.postgres(), "pipeline", metrics);
        CdcCapture cdc = null;
        Pipeline pipeline;
        try {
            ViewSchemaCheck.check(catalog, pool, config.postgres().planCheckRows());
            cdc = startCdc(config, catalog, metrics);
            pipeline = new Pipeline(config, catalog, metrics, pool, cdc);
        } catch (RuntimeException e) {
            quietlyClose(cdc);
            quietlyClose(pool);
            throw e;
        }
        try {
            pipeline.invalidator = pipeline.startInvalidator();
            pipeline.warmer = pipeline.startWarmer();
            pipeline.api = pipeline.startApi();
            pipeline.awaitReady();
            var audit = new BackgroundAudit(pipeline.audit(), config.audit(), pipeline.metrics);
            pipeline.audit = audit;
            audit.start();
            return pipeline;
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
    }

    public Config config() {
        return config;
    }

    public ViewCatalog catalog() {
        return catalog;
    }

    public CacheStore store() {
        return store;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    /** A consistency audit of this pipeline's cache against its database. */
    public CacheAudit audit() {
        return new CacheAudit(store, new ViewLoader(pool, LoadTimer.Cause.AUDIT), pool, clock, RandomGenerator.getDefault());
    }

    public int apiPort() {
        return started(api).port();
    }

    /** Stops cdc-capture and starts a new one, which resumes from the saved position. */
    public void restartCdc() {
        started(cdc).close();
        CdcCapture fresh = startCdc(config, catalog, metrics);
        cdc = fresh;
        await("cdc-capture", fresh::isReady);
    }

    public void restartInvalidator() {
        restartInvalidator(() -> { });
    }

    /** Stops the invalidator, runs {@code whileStopped} (what happens while none runs), then starts a new one. */
    public void restartInvalidator(Runnable whileStopped) {
        started(invalidator).close();
        try {
            whileStopped.run();
        } finally {
            Invalidator fresh = startInvalidator();
            invalidator = fresh;
            await("invalidator", fresh::isReady);
        }
    }

    public void restartWarmer() {
        started(warmer).close();
        Warmer fresh = startWarmer();
        warmer = fresh;
        await("warmer", fresh::isReady);
    }

    /**
     * Stops the invalidator and the warmer, so their groups are empty (an operator's "scale to zero"
     * before {@code cachepipe replay}); {@link #startConsumers()} starts them again.
     */
    public void stopConsumers() {
        started(invalidator).close();
        started(warmer).close();
    }

    public void startConsumers() {
        Invalidator freshInvalidator = startInvalidator();
        invalidator = freshInvalidator;
        Warmer freshWarmer = startWarmer();
        warmer = freshWarmer;
        await("invalidator", freshInvalidator::isReady);
        await("warmer", freshWarmer::isReady);
    }

    /**
     * Stops capture and the consumers, so that PostgreSQL runs as if there were no pipeline (no
     * walsender decoding; the slot keeps the WAL meanwhile); {@link #resume()} starts them again and
     * they catch up from where they stopped.
     */
    public void pause() {
        started(warmer).close();
        started(invalidator).close();
        started(cdc).close();
    }

    public void resume() {
        cdc = startCdc(config, catalog, metrics);
        invalidator = startInvalidator();
        warmer = startWarmer();
        awaitReady();
    }

    private static CdcCapture startCdc(Config config, ViewCatalog catalog, PrometheusMeterRegistry metrics) {
        var part = new CdcCapture(config.postgres(), config.kafka(), config.cdc(), catalog, metrics);
        part.start();
        return part;
    }

    private Invalidator startInvalidator() {
        var part = new Invalidator(config.kafka(), config.invalidator(), catalog, store, metrics, clock, pool);
        part.start();
        return part;
    }

    private Warmer startWarmer() {
        var part = new Warmer(config.kafka(), config.warmer(), config.cache(), catalog, store, pool, metrics, clock);
        part.start();
        return part;
    }

    private ApiServer startApi() {
        var part = new ApiServer(config.api(), config.cache(), config.redis(), catalog, store, pool, metrics, clock)
                .withPipelineProbe(new PipelineProbe(config.kafka(), java.util.Map.of(
                        "invalidator", config.invalidator().applicationId(), "warmer", config.warmer().groupId())));
        part.start();
        return part;
    }

    private void awaitReady() {
        await("cdc-capture", started(cdc)::isReady);
        await("invalidator", started(invalidator)::isReady);
        await("warmer", started(warmer)::isReady);
    }

    /**
     * Waits until every change committed before this call is in the cache (see {@link CatchUp}).
     */
    public Version awaitCaughtUp(Duration timeout) {
        return new CatchUp(pool, store, config.kafka(), config.warmer().groupId(),
                CatchUp.WarmRequestsSent.sentBy(started(invalidator)::awaitWarmRequestsSent)).await(timeout);
    }

    private static void await(String part, java.util.function.BooleanSupplier ready) {
        CatchUp.until(part + " to become ready (see its log)", System.nanoTime() + READY_TIMEOUT.toNanos(), ready);
        log.debug("{} ready", part);
    }

    @Override
    public void close() {
        quietlyClose(audit);
        quietlyClose(api);
        quietlyClose(warmer);
        quietlyClose(invalidator);
        quietlyClose(cdc);
        quietlyClose(redis);
        quietlyClose(pool);
    }

    /** A part of a pipeline start() returned: it has every part. */
    private static <T> T started(@Nullable T part) {
        if (part == null) {
            throw new IllegalStateException("the pipeline was not started");
        }
        return part;
    }

    private static void quietlyClose(@Nullable AutoCloseable part) {
        if (part == null) {
            return;
        }
        try {
            part.close();
        } catch (Exception e) {
            log.warn("Stopping {} failed: {}", part.getClass().getSimpleName(), e.getMessage());
        }
    }
}
