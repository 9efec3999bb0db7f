package io.cachepipe.cli;

import io.cachepipe.cli.pipeline.Pipeline;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.examples.CatalogSeeder;
import io.cachepipe.examples.ExampleSchema;
import io.cachepipe.store.postgres.ConnectionPool;
import io.cachepipe.store.postgres.DataSources;
import io.cachepipe.store.postgres.ViewLoader;
import io.cachepipe.store.redis.RedisConnector;
import io.cachepipe.testsupport.Jdbc;
import io.cachepipe.testsupport.PipelineSettings;
import io.cachepipe.testsupport.TestNamespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The whole pipeline on one of the shipped examples, or on tables and views a test writes, in its
 * own database, topic prefix and key namespace, with the clients a test needs: HTTP to the API, JDBC
 * to the database, and a separate Redis connection to look at what the cache holds.
 */
public final class ExamplePipeline implements CatalogEndpoints, AutoCloseable {
    /** Creates and fills an example's tables. */
    @FunctionalInterface
    interface Seed {
        void into(Connection connection) throws Exception;
    }

    private final Pipeline pipeline;
    private final TestNamespace namespace;
    private final RedisConnector redis;
    private final ConnectionPool pool;
    private final ViewLoader loader;
    private final Map<String, String> settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ExamplePipeline(Pipeline pipeline, TestNamespace namespace, RedisConnector redis, ConnectionPool pool,
                            Map<String, String> settings) {
        this.settings = Map.copyOf(settings);
        this.pipeline = pipeline;
        this.namespace = namespace;
        this.redis = redis;
        this.pool = pool;
        this.loader = new ViewLoader(pool);
    }

    /** The demo catalog with {@code products} products in {@code categories} categories. */
    static ExamplePipeline catalog(DevStack stack, TestNamespace namespace, int products, int categories) throws Exception {
        return start(stack, namespace, ExampleSchema.CATALOG, connection -> CatalogSeeder.seed(connection, products, categories, 7),
                Map.of());
    }

    static ExamplePipeline start(DevStack stack, TestNamespace namespace, ExampleSchema example, Seed seed,
                                 Map<String, String> overrides) throws Exception {
        return started(stack, namespace, prepare(stack, namespace, example, seed, overrides));
    }

    /**
     * The whole pipeline on tables and views the test writes itself: {@code schema} creates and fills
     * the tables, {@code viewsYaml} is the views file.
     */
    static ExamplePipeline start(DevStack stack, TestNamespace namespace, Seed schema, String viewsYaml) throws Exception {
        Path views = Path.of("target", "views", namespace.name() + ".yaml").toAbsolutePath();
        Files.createDirectories(views.getParent());
        Files.writeString(views, viewsYaml);
        try (Connection connection = namespace.jdbc().connect()) {
            schema.into(connection);
        }
        return started(stack, namespace, settings(stack, namespace, views.toString(), Map.of()));
    }

    private static ExamplePipeline started(DevStack stack, TestNamespace namespace, Map<String, String> settings) throws Exception {
        Pipeline pipeline = Pipeline.start(Pipeline.Config.read(Settings.of(settings)));
        pipeline.awaitCaughtUp(Duration.ofSeconds(60));
        var redisConfig = new RedisConfig(URI.create(stack.redis().uri()), List.of(), namespace.keyPrefix(), Duration.ofSeconds(2));
        // A pool of the test's own: a connection per expected value (SCRAM and a forked backend, about 30 ms each)
        // made checking every key of a view half a minute.
        ConnectionPool pool = DataSources.pool(pipeline.config().postgres(), "example-pipeline-test");
        return new ExamplePipeline(pipeline, namespace, RedisConnector.connect(redisConfig), pool, settings);
    }

    /**
     * Creates and seeds the example's tables in the namespace's database and answers the settings
     * (keys as in docs/configuration.md) of a pipeline on them, with {@code overrides} applied.
     */
    static Map<String, String> prepare(DevStack stack, TestNamespace namespace, ExampleSchema example, Seed seed,
                                       Map<String, String> overrides) throws Exception {
        try (Connection connection = namespace.jdbc().connect()) {
            example.create(connection);
            seed.into(connection);
        }
        return settings(stack, namespace, example.viewsLocation(), overrides);
    }

    private static Map<String, String> settings(DevStack stack, TestNamespace namespace, String viewsFile, Map<String, String> overrides) {
        Map<String, String> settings = PipelineSettings.of(stack, namespace, viewsFile);
        settings.put("api.host", "127.0.0.1");
        settings.put("api.port", "0");
        settings.put("invalidator.state-dir", Path.of("target", "streams", namespace.name()).toAbsolutePath().toString());
        settings.put("invalidator.commit-interval", "200ms");
        settings.putAll(overrides);
        return settings;
    }

    /** The settings the pipeline runs with, for starting commands against it. */
    Map<String, String> settings() {
        return settings;
    }

    /** A separate connection to the pipeline's Redis. */
    RedisConnector redis() {
        return redis;
    }

    Pipeline pipeline() {
        return pipeline;
    }

    @Override
    public Jdbc jdbc() {
        return namespace.jdbc();
    }

    ViewDefinition view(String name) {
        return pipeline.catalog().view(name).orElseThrow();
    }

    @Override
    public CacheKey key(String view, Map<String, Object> params) {
        return pipeline.store().keySpace().key(view(view), params);
    }

    @Override
    public HttpResponse<String> get(String path, String... headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.apiPort() + path)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.apiPort() + path))
                .method(method, HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value Redis holds for a key, or null when it holds none (absent, or only a tombstone). */
    @Nullable String cached(CacheKey key) throws Exception {
        byte[] value = redis.commands().hget(key.redisKey().getBytes(StandardCharsets.UTF_8), "d".getBytes(StandardCharsets.UTF_8))
                .get();
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** Disconnects every pub/sub client of the Redis server, as a network blip would; Lettuce reconnects them. */
    void killPubSubConnections() throws Exception {
        redis.commands().dispatch(io.lettuce.core.protocol.CommandType.CLIENT, new io.lettuce.core.output.IntegerOutput<>(
                io.lettuce.core.codec.ByteArrayCodec.INSTANCE), new io.lettuce.core.protocol.CommandArgs<>(
                io.lettuce.core.codec.ByteArrayCodec.INSTANCE).add("KILL").add("TYPE").add("pubsub")).get();
    }

    /**
     * Deletes every key of a namespace, registries and bookkeeping included, as a Redis that lost its data
     * would hold none (SCAN here in a test; product code never walks the keyspace like this).
     */
    public static long wipe(RedisConnector redis, String keyPrefix) {
        var commands = redis.commands();
        long deleted = 0;
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        do {
            io.lettuce.core.KeyScanCursor<byte[]> page = commands.scan(cursor,
                    io.lettuce.core.ScanArgs.Builder.matches(keyPrefix + "*").limit(1000)).toCompletableFuture().join();
            if (!page.getKeys().isEmpty()) {
                deleted += commands.del(page.getKeys().toArray(byte[][]::new)).toCompletableFuture().join();
            }
            cursor = page;
        } while (!cursor.isFinished());
        return deleted;
    }

    /** Reads a key as the API does on a miss, past any near cache: leased, loaded from the database, filled. */
    void fill(CacheKey key) throws Exception {
        if (pipeline.store().read(key).toCompletableFuture().join() instanceof io.cachepipe.store.redis.ReadResult.Leased lease) {
            pipeline.store().fill(key, lease, loader.load(key.view(), key.params())).toCompletableFuture().join();
        }
    }

    /** The test's own pool on the namespace's database, as an operator's command would connect. */
    javax.sql.DataSource dataSource() {
        return pool;
    }

    /** What the database says the key should hold now, rendered exactly as the cache renders it. */
    String expected(CacheKey key) throws Exception {
        return new String(loader.load(key.view(), key.params()), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        pipeline.close();
        redis.close();
        pool.close();
    }
}
