package io.cachepipe.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.api.admin.AdminAuth;
import io.cachepipe.api.admin.AdminRoutes;
import io.cachepipe.api.admin.CacheSummary;
import io.cachepipe.api.admin.HotKeys;
import io.cachepipe.api.admin.PipelineProbe;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.metrics.MetricsPage;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.store.postgres.LoadTimer;
import io.cachepipe.store.postgres.ViewLoader;
import io.cachepipe.store.postgres.WriteRunner;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.HotKeyStore;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API process: declared view and write routes, {@code /cache/stats}, {@code /metrics},
 * health and its own OpenAPI description ({@link OpenApiDocument}). Handlers block on virtual threads, so a request waiting on Redis or PostgreSQL costs no
 * platform thread.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final String STARTED_AT = "cachepipe.startedAt";
    private static final byte[] NOOP_BODY = ("{\"id\":1,\"sku\":\"SKU-00000001\",\"name\":\"Classic Backpack 1\","
            + "\"price\":488.31,\"stock\":172,\"category_id\":1,\"updated_at\":\"2026-11-22T01:34:36.948935Z\"}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final ApiConfig config;
    private final ViewCatalog catalog;
    private final DataSource dataSource;
    private final PrometheusMeterRegistry metrics;
    private final ObjectMapper json = Json.mapper();
    private final CacheStatistics statistics;
    private final ViewReader reader;
    private final WriteRunner writes;
    private final @Nullable NearCache nearCache;
    private final CacheStore store;
    private final AtomicReference<@Nullable Javalin> app = new AtomicReference<>();
    private final HotKeys hotKeys;
    private final String openApi;
    private @Nullable PipelineProbe probe;
    private static final Duration HOT_KEY_REPORTS = Duration.ofSeconds(2);

    public ApiServer(ApiConfig config, CacheConfig cache, RedisConfig redis, ViewCatalog catalog, CacheStore store,
                     DataSource dataSource, PrometheusMeterRegistry metrics, Clock clock) {
        this.config = config;
        this.catalog = catalog;
        this.dataSource = dataSource;
        this.metrics = metrics;
        this.statistics = new CacheStatistics(metrics);
        this.store = store;
        this.nearCache = cache.enabled() && config.nearCache()
                ? new NearCache(config.nearCacheSize(), config.nearCacheMaxMb() * 1024L * 1024L, config.nearCacheTtl()) : null;
        this.reader = new ViewReader(store, new ViewLoader(dataSource, LoadTimer.Cause.FILL), cache.enabled(), config.busyWait(), redis.timeout(),
                new CircuitBreaker(5, Duration.ofSeconds(1), clock), nearCache,
                new ReadYourWrites(store, dataSource, config.readYourWritesWait(), WalPosition.of(dataSource)), metrics);
        this.writes = new WriteRunner(dataSource);
        this.hotKeys = new HotKeys(config.hotKeys());
        this.openApi = OpenApiDocument.text(OpenApiDocument.of(catalog, config, MetricNames.version()));
        if (!cache.enabled()) {
            log.warn("Cache disabled (CACHE_ENABLED=false): every read goes to PostgreSQL");
        }
    }

    /**
     * Gives {@code /cache/summary} the Kafka side (lag per stage, dead letters); without it the summary
     * says those are unknown. Call before {@link #start()}; the server closes it.
     */
    public ApiServer withPipelineProbe(PipelineProbe probe) {
        this.probe = probe;
        return this;
    }

    public void start() {
        Javalin javalin = Javalin.create(this::configure);
        if (!app.compareAndSet(null, javalin)) {
            throw new IllegalStateException("the API can start once");
        }
        if (nearCache != null) {
            nearCache.start(store);
        }
        hotKeys.startReporting(new HotKeyStore(store), HOT_KEY_REPORTS);
        javalin.start(config.host(), config.port());
        log.info("API listening on http://{}:{}/", config.host(), javalin.port());
    }

    /** The port actually bound (useful when configured as 0). */
    public int port() {
        Javalin current = app.get();
        if (current == null) {
            throw new IllegalStateException("the API is not started");
        }
        return current.port();
    }

    private void configure(JavalinConfig javalin) {
        javalin.concurrency.useVirtualThreads = true;
        javalin.startup.showJavalinBanner = false;
        javalin.http.maxRequestSize = config.maxBodyBytes();
        // A method a path does not take is a 405 naming the ones it does, not a 404 (ProblemResponses).
        javalin.http.prefer405over404 = true;
        javalin.jetty.modifyServer(server -> server.setErrorHandler(new ProblemErrorHandler(json)));
        javalin.jetty.modifyServletContextHandler(context -> context.addFilter(HttpMethods.ignoringOverrides(), "/*",
                java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST)));
        ProblemResponses.register(javalin, json);
        javalin.routes.before(ctx -> ctx.attribute(STARTED_AT, System.nanoTime()));
        javalin.routes.before(HttpMethods::requireKnown);
        javalin.routes.before(PathEscapes::requireWellFormed);
        javalin.routes.after(this::recordRequest);
        var requestParams = new RequestParams(config.maxStringLength());
        new ViewRoutes(catalog, reader, statistics, requestParams, config.hotKeys() == 0 ? (view, params) -> { }
                : (view, params) -> hotKeys.record(store.keySpace().key(view, params).redisKey())).register(javalin);
        new AdminRoutes(new AdminAuth(config.adminToken()), catalog, store, dataSource, hotKeys, json).register(javalin);
        var summary = new CacheSummary(this::figures, reader::redisState, dataSource, metrics, config.hitRateTarget(),
                config.slotLagAlarmMb(), probe == null ? null : probe::read, this::lastSlotLoss);
        javalin.routes.get("/cache/summary", ctx -> ctx.contentType("application/json").result(summary.render(json).toString()));
        new WriteRoutes(catalog, writes, new WriteAuth(config.writeToken()), new JsonBody(config.maxStringLength()), requestParams)
                .register(javalin);
        javalin.routes.get("/cache/stats", this::stats);
        // The ceiling for benchmarks: same server, same middleware, no cache and no database.
        javalin.routes.get("/noop", ctx -> ctx.contentType("application/json").result(NOOP_BODY));
        javalin.routes.get("/metrics", ctx -> ctx.contentType(MetricsPage.CONTENT_TYPE).result(MetricsPage.render(metrics, ctx.queryString())));
        javalin.routes.get("/health/live", ctx -> ctx.json(Map.of("live", true)));
        javalin.routes.get("/version", ctx -> ctx.json(Map.of("version", MetricNames.version())));
        javalin.routes.get("/health/ready", this::ready);
        javalin.routes.get(OpenApiDocument.PATH, ctx -> ctx.contentType("application/json").result(openApi));
    }

    /**
     * Every route this server answers, as {@code METHOD /path}: what the OpenAPI document must describe,
     * no more and no less (the API's integration test holds them to each other).
     */
    java.util.List<String> routes() {
        Javalin current = app.get();
        if (current == null) {
            throw new IllegalStateException("the API is not started");
        }
        return current.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(handler -> HttpMethods.KNOWN.contains(handler.endpoint.method.name()))
                .map(handler -> handler.endpoint.method.name() + " " + handler.endpoint.path).toList();
    }

    private void recordRequest(Context ctx) {
        Long started = ctx.attribute(STARTED_AT);
        if (started == null) {
            return;
        }
        long nanos = System.nanoTime() - started;
        ctx.header("X-Response-Time", String.format(java.util.Locale.ROOT, "%.3fms", nanos / 1e6));
        var endpoint = ctx.endpoints().lastHttpEndpoint();
        Timer.builder(MetricNames.HTTP_SERVER_REQUESTS)
                .tag("method", HttpMethods.tag(ctx.req().getMethod()))
                .tag("route", endpoint == null ? "unmatched" : endpoint.path)
                .tag("status", Integer.toString(ctx.statusCode()))
                .publishPercentileHistogram()
                .register(metrics)
                .record(Duration.ofNanos(nanos));
    }

    private void stats(Context ctx) {
        ObjectNode body = json.createObjectNode();
        ObjectNode views = body.putObject("views");
        var total = CacheStatistics.Figures.NONE;
        for (var entry : statistics.byView().entrySet()) {
            write(views.putObject(entry.getKey()), entry.getValue());
            total = total.plus(entry.getValue());
        }
        write(body.putObject("total"), total);
        body.put("redisAvailable", reader.redisAvailable());
        body.put("redisFull", reader.redisState() == CacheSummary.RedisState.FULL);
        ObjectNode near = body.putObject("nearCache");
        near.put("enabled", nearCache != null);
        if (nearCache != null) {
            near.put("live", nearCache.isLive());
            near.put("size", nearCache.size());
            near.put("drops", nearCache.drops());
        }
        ctx.contentType("application/json").result(body.toString());
    }

    /** The slot loss on record for the summary; none while Redis does not answer (the summary says Redis is down). */
    private java.util.Optional<io.cachepipe.store.kafka.SlotLossNotice> lastSlotLoss() {
        try {
            return new io.cachepipe.store.redis.SlotLossRecord(store, json).recorded().toCompletableFuture()
                    .get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    private Map<String, CacheSummary.ViewFigures> figures() {
        Map<String, CacheSummary.ViewFigures> out = new java.util.TreeMap<>();
        statistics.byView().forEach((view, figures) -> out.put(view, new CacheSummary.ViewFigures(figures.requests(), figures.hitRate())));
        return out;
    }

    private static void write(ObjectNode node, CacheStatistics.Figures figures) {
        node.put("requests", figures.requests());
        node.put("nearHits", figures.near());
        node.put("hits", figures.hits());
        node.put("stale", figures.stale());
        node.put("coalesced", figures.coalesced());
        node.put("misses", figures.misses());
        node.put("fallbacks", figures.fallbacks());
        node.put("hitRate", Math.round(figures.hitRate() * 10_000) / 10_000.0);
    }

    private void ready(Context ctx) {
        boolean database;
        try (Connection connection = dataSource.getConnection()) {
            database = connection.isValid(1);
        } catch (Exception e) {
            database = false;
        }
        ctx.status(database ? 200 : 503).json(Map.of("ready", database, "database", database, "redis", reader.redisAvailable()));
    }

    @Override
    public void close() {
        Javalin current = app.getAndSet(null);
        if (current != null) {
            current.stop();
        }
        hotKeys.close();
        if (probe != null) {
            probe.close();
        }
        if (nearCache != null) {
            try {
                nearCache.close();
            } catch (Exception e) {
                log.warn("Closing the near cache's subscription failed: {}", e.getMessage());
            }
        }
    }
}
