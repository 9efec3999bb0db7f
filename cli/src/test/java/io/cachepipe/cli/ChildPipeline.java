package io.cachepipe.cli;

import io.cachepipe.cli.pipeline.Pipeline;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.config.Setting;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.examples.CatalogSeeder;
import io.cachepipe.examples.ExampleSchema;
import io.cachepipe.ops.audit.CacheAudit;
import io.cachepipe.store.postgres.ConnectionPool;
import io.cachepipe.store.postgres.DataSources;
import io.cachepipe.store.postgres.ViewLoader;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.RedisConnector;
import io.cachepipe.testsupport.Jdbc;
import io.cachepipe.testsupport.PartProcess;
import io.cachepipe.testsupport.TestNamespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The demo catalog's pipeline as four child JVMs started from their own mains ({@link PartProcess}),
 * configured only by environment variables, so that a test can SIGKILL any of them. The test JVM
 * keeps its own clients: JDBC, HTTP to the API, a Redis connection and the audit.
 */
final class ChildPipeline implements CatalogEndpoints, AutoCloseable {
    /** Generous: under a full build on two shared cores a child JVM has taken over two minutes to start. */
    private static final Duration READY = Duration.ofSeconds(300);
    /** The test's own Redis connection waits longer than the parts': a slow audit on a loaded machine is no fault under test. */
    private static final Duration OWN_REDIS_TIMEOUT = Duration.ofSeconds(5);
    /**
     * C1 only: four children, the test JVM and the servers share two cores, and a restarted part
     * spends its first seconds compiling; C2's faster code does not pay for itself in a test.
     */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final TestNamespace namespace;
    private final Pipeline.Config config;
    private final ViewCatalog catalog;
    private final ConnectionPool pool;
    private final RedisConnector redis;
    private final CacheStore store;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> environment;
    private final List<PartProcess> parts = new ArrayList<>();
    private final PartProcess cdc;
    private final PartProcess invalidator;
    private final PartProcess warmer;
    private final PartProcess api;
    private final List<PartProcess> invalidators = new ArrayList<>();

    /** The four parts, for settings that only one of them gets (see {@link #catalog(DevStack, TestNamespace, int, int, Map, Map)}). */
    enum Part { CDC, INVALIDATOR, WARMER, API }

    private ChildPipeline(TestNamespace namespace, Map<String, String> settings, Map<Part, Map<String, String>> partSettings) {
        this.namespace = namespace;
        this.config = Pipeline.Config.read(Settings.of(settings));
        this.catalog = ViewsFile.load(config.cache().viewsFile());
        this.pool = DataSources.pool(config.postgres(), "child-pipeline-test");
        this.redis = RedisConnector.connect(new RedisConfig(config.redis().url(), config.redis().clusterNodes(),
                config.redis().namespace(), OWN_REDIS_TIMEOUT));
        this.store = new CacheStore(redis, new KeySpace(config.redis().namespace(), catalog), config.cache(),
                Clock.systemUTC(), RandomGenerator.getDefault());
        this.environment = environment(settings);
        String name = namespace.name();
        cdc = part("io.cachepipe.cdc.CdcCaptureMain", name + "-cdc", with(partSettings, Part.CDC), config.cdc().adminPort());
        invalidator = part("io.cachepipe.invalidator.InvalidatorMain", name + "-invalidator", with(partSettings, Part.INVALIDATOR),
                config.invalidator().adminPort());
        invalidators.add(invalidator);
        warmer = part("io.cachepipe.warmer.WarmerMain", name + "-warmer", with(partSettings, Part.WARMER),
                config.warmer().adminPort());
        api = part("io.cachepipe.api.ApiMain", name + "-api", with(partSettings, Part.API), config.api().port());
    }

    /** The pipeline's environment with a part's own settings on top. */
    private Map<String, String> with(Map<Part, Map<String, String>> partSettings, Part part) {
        Map<String, String> variables = new HashMap<>(environment);
        variables.putAll(environment(partSettings.getOrDefault(part, Map.of())));
        return variables;
    }

    /** The demo catalog seeded with {@code products} in {@code categories}, every part started and ready. */
    static ChildPipeline catalog(DevStack stack, TestNamespace namespace, int products, int categories,
                                 Map<String, String> overrides) throws Exception {
        return catalog(stack, namespace, products, categories, overrides, Map.of());
    }

    /** The same, with settings one part gets on top of {@code overrides} (a {@code redis.url} through a proxy, say). */
    static ChildPipeline catalog(DevStack stack, TestNamespace namespace, int products, int categories,
                                 Map<String, String> overrides, Map<Part, Map<String, String>> partSettings) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of(
                "cdc.admin-port", Integer.toString(PartProcess.freePort()),
                "invalidator.admin-port", Integer.toString(PartProcess.freePort()),
                "warmer.admin-port", Integer.toString(PartProcess.freePort()),
                "api.port", Integer.toString(PartProcess.freePort())));
        settings.putAll(overrides);
        settings = ExamplePipeline.prepare(stack, namespace, ExampleSchema.CATALOG,
                connection -> CatalogSeeder.seed(connection, products, categories, 7), settings);
        var pipeline = new ChildPipeline(namespace, settings, partSettings);
        try {
            pipeline.startAll();
            return pipeline;
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
    }

    /** Settings become the environment variables of docs/configuration.md: CACHEPIPE_POSTGRES_URL, CACHE_ENABLED, ... */
    private static Map<String, String> environment(Map<String, String> settings) {
        Map<String, String> environment = new HashMap<>();
        settings.forEach((key, value) -> environment.put(
                key.equals(CacheConfig.ENABLED.key()) ? CacheConfig.ENABLED.env() : Setting.envName(key), value));
        return environment;
    }

    private PartProcess part(String mainClass, String name, Map<String, String> environment, int readyPort) {
        PartProcess part = PartProcess.builder(mainClass).name(name).environment(environment).readyPort(readyPort)
                .jvmOptions(JVM_OPTIONS).start();
        parts.add(part);
        return part;
    }

    private void startAll() {
        for (PartProcess part : parts) {
            part.awaitReady(READY);
        }
        awaitCaughtUp(Duration.ofSeconds(120));
    }

    PartProcess cdc() {
        return cdc;
    }

    PartProcess invalidator() {
        return invalidator;
    }

    PartProcess warmer() {
        return warmer;
    }

    PartProcess api() {
        return api;
    }

    /**
     * Starts another invalidator on the same application id, with its own admin port and state
     * directory, and waits until it is ready: the instances share the change topics' partitions. It
     * is stopped with the pipeline, and {@link #awaitCaughtUp} reads its held warm requests too.
     */
    PartProcess startInvalidator(String name) {
        int port = PartProcess.freePort();
        Map<String, String> variables = new HashMap<>(environment);
        variables.put(Setting.envName("invalidator.admin-port"), Integer.toString(port));
        variables.put(Setting.envName("invalidator.state-dir"),
                Path.of("target", "streams", namespace.name() + "-" + name).toAbsolutePath().toString());
        PartProcess another = part("io.cachepipe.invalidator.InvalidatorMain", namespace.name() + "-" + name, variables, port);
        invalidators.add(another);
        return another.awaitReady(READY);
    }

    /** Starts another warmer in the same consumer group, with its own admin port, and waits until it is ready. */
    PartProcess startWarmer(String name) {
        int port = PartProcess.freePort();
        Map<String, String> variables = new HashMap<>(environment);
        variables.put(Setting.envName("warmer.admin-port"), Integer.toString(port));
        return part("io.cachepipe.warmer.WarmerMain", namespace.name() + "-" + name, variables, port).awaitReady(READY);
    }

    /**
     * Starts another API process on the same database, Redis and topics, with {@code extra}
     * environment variables on top of the pipeline's (for example {@code CACHE_ENABLED=false}).
     * It is stopped with the pipeline.
     */
    PartProcess startApi(String name, Map<String, String> extra) {
        int port = PartProcess.freePort();
        Map<String, String> variables = new HashMap<>(environment);
        variables.put(Setting.envName("api.port"), Integer.toString(port));
        variables.putAll(extra);
        PartProcess another = part("io.cachepipe.api.ApiMain", namespace.name() + "-" + name, variables, port);
        another.awaitReady(READY);
        return another;
    }

    /** SIGKILL, start again with the same environment, wait until ready. */
    void killAndRestart(PartProcess part) {
        part.kill();
        part.start();
        part.awaitReady(READY);
    }

    Pipeline.Config config() {
        return config;
    }

    ConnectionPool pool() {
        return pool;
    }

    CacheStore store() {
        return store;
    }

    @Override
    public Jdbc jdbc() {
        return namespace.jdbc();
    }

    @Override
    public CacheKey key(String view, Map<String, Object> params) {
        return store.keySpace().key(catalog.view(view).orElseThrow(), params);
    }

    CacheAudit audit() {
        return new CacheAudit(store, new ViewLoader(pool), pool, Clock.systemUTC(), RandomGenerator.getDefault());
    }

    @Override
    public HttpResponse<String> get(String path, String... headers) throws Exception {
        return get(api, path, headers);
    }

    /** A GET from a given API process (see {@link #startApi}). */
    HttpResponse<String> get(PartProcess from, String path, String... headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + from.readyPort() + path))
                .timeout(Duration.ofSeconds(10)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value Redis holds for a key, or null when it holds none. */
    @Nullable String cached(CacheKey key) throws Exception {
        byte[] value = redis.commands().hget(key.redisKey().getBytes(StandardCharsets.UTF_8), "d".getBytes(StandardCharsets.UTF_8))
                .get();
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** What the database says the key should hold now, rendered exactly as the cache renders it. */
    String expected(CacheKey key) throws SQLException {
        return new String(new ViewLoader(pool).load(key.view(), key.params()), StandardCharsets.UTF_8);
    }

    /** The sum of a metric's samples on a part's {@code /metrics} (the admin port, or the API's). */
    double scrape(PartProcess part, String prometheusName) throws Exception {
        String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + part.readyPort() + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        return text.lines()
                .filter(line -> line.startsWith(prometheusName + "{") || line.startsWith(prometheusName + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /**
     * Waits until every change committed before this call is in the cache: the invalidators have
     * passed a watermark written now, hold no warm request, and the warmers' lag is 0 (see {@link ChildCatchUp}).
     */
    Version awaitCaughtUp(Duration timeout) {
        return ChildCatchUp.await(this, invalidators, timeout);
    }

    /** Stops every part (SIGTERM, all at once: each waits seconds for Kafka), then the test's own clients. */
    @Override
    public void close() {
        List<Thread> stopping = parts.stream()
                .map(part -> Thread.ofPlatform().name("stop-" + part.name()).start(part::close))
                .toList();
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        redis.close();
        pool.close();
    }
}
