package io.cachepipe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.api.ApiConfig;
import io.cachepipe.api.ApiServer;
import io.cachepipe.cli.pipeline.Pipeline;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.metrics.Metrics;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.examples.CatalogSeeder;
import io.cachepipe.examples.ExampleSchema;
import io.cachepipe.store.postgres.ConnectionPool;
import io.cachepipe.store.postgres.DataSources;
import io.cachepipe.testsupport.PipelineSettings;
import io.cachepipe.testsupport.TestNamespace;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The system under test: the demo catalog seeded into its own database on a dev stack, the whole
 * pipeline running on it, and one API server per {@link Mode}, all reading the same Redis and the same
 * database, so that the modes are compared side by side in one run.
 */
final class BenchPipeline implements AutoCloseable {
    /** How an API server answers reads. */
    enum Mode {
        /** Near cache (L1) in front of Redis: the default configuration. */
        CACHED("cached", "near cache + Redis"),
        /** Redis only ({@code api.near-cache=false}). */
        REDIS("redis", "Redis, near cache off"),
        /** Every read from PostgreSQL ({@code CACHE_ENABLED=false}). */
        UNCACHED("uncached", "PostgreSQL every time"),
        /** {@code GET /noop} of the same server: no cache, no database; the ceiling. */
        NOOP("noop", "no-op route, same server");

        final String label;
        final String description;

        Mode(String label, String description) {
            this.label = label;
            this.description = description;
        }
    }

    private final TestNamespace namespace;
    private final Pipeline pipeline;
    private final Map<String, String> settings;
    private final Map<Mode, ApiServer> extraServers = new EnumMap<>(Mode.class);
    private final ConnectionPool apiPool;
    private final ConnectionPool writerPool;
    private final HttpClient http = HttpClient.newHttpClient();

    private BenchPipeline(TestNamespace namespace, Pipeline pipeline, Map<String, String> settings) {
        this.namespace = namespace;
        this.pipeline = pipeline;
        this.settings = settings;
        this.apiPool = DataSources.pool(pipeline.config().postgres(), "bench-api");
        this.writerPool = DataSources.pool(pipeline.config().postgres(), "bench-writers");
    }

    /** @param overrides pipeline settings of this run (keys as in docs/configuration.md), over the defaults */
    static BenchPipeline start(DevStack stack, int products, int categories, Map<String, String> overrides) throws Exception {
        TestNamespace namespace = TestNamespace.create(stack);
        try (Connection connection = namespace.jdbc().connect()) {
            ExampleSchema.CATALOG.create(connection);
            CatalogSeeder.seed(connection, products, categories, 42);
        }
        Map<String, String> settings = settings(stack, namespace);
        settings.putAll(overrides);
        Pipeline pipeline = Pipeline.start(Pipeline.Config.read(Settings.of(settings)));
        var bench = new BenchPipeline(namespace, pipeline, settings);
        try {
            pipeline.awaitCaughtUp(Duration.ofMinutes(5));
            bench.startServer(Mode.REDIS, Map.of("api.near-cache", "false"));
            bench.startServer(Mode.UNCACHED, Map.of("cache.enabled", "false"));
            return bench;
        } catch (RuntimeException e) {
            bench.close();
            throw e;
        }
    }

    /** The settings of the pipeline, for starting more parts as processes against the same stack. */
    static Map<String, String> settings(DevStack stack, TestNamespace namespace) {
        Map<String, String> settings = PipelineSettings.of(stack, namespace, ExampleSchema.CATALOG.viewsLocation());
        settings.put("api.host", "127.0.0.1");
        settings.put("api.port", "0");
        settings.put("invalidator.state-dir", Path.of("target", "bench-streams", namespace.name()).toAbsolutePath().toString());
        return settings;
    }

    private void startServer(Mode mode, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>(settings);
        values.putAll(overrides);
        Settings modeSettings = Settings.of(values);
        var apiSection = modeSettings.section(ApiConfig::read);
        var cacheSection = modeSettings.section(CacheConfig::read);
        modeSettings.validate();
        ApiConfig api = apiSection.get();
        CacheConfig cache = cacheSection.get();
        var server = new ApiServer(api, cache, pipeline.config().redis(), pipeline.catalog(), pipeline.store(), apiPool,
                Metrics.prometheus("bench-" + mode.label), Clock.systemUTC());
        server.start();
        extraServers.put(mode, server);
    }

    InetSocketAddress address(Mode mode) {
        ApiServer server = extraServers.get(mode);
        return new InetSocketAddress("127.0.0.1", server == null ? pipeline.apiPort() : server.port());
    }

    Pipeline pipeline() {
        return pipeline;
    }

    TestNamespace namespace() {
        return namespace;
    }

    Map<String, String> settings() {
        return Map.copyOf(settings);
    }

    DataSource writerPool() {
        return writerPool;
    }

    /** The API's {@code /cache/stats} totals: requests answered, and answered without a database read. */
    record CacheFigures(long requests, long hits) {
        CacheFigures minus(CacheFigures earlier) {
            return new CacheFigures(requests - earlier.requests, hits - earlier.hits);
        }

        double hitRate() {
            return requests == 0 ? 0 : (double) hits / requests;
        }
    }

    CacheFigures cacheFigures(Mode mode) throws IOException, InterruptedException {
        InetSocketAddress address = address(mode);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + address.getPort() + "/cache/stats")).GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode total = Json.mapper().readTree(response.body()).path("total");
        long requests = total.path("requests").asLong();
        long missed = total.path("misses").asLong() + total.path("fallbacks").asLong();
        return new CacheFigures(requests, requests - missed);
    }

    @Override
    public void close() {
        extraServers.values().forEach(ApiServer::close);
        pipeline.close();
        apiPool.close();
        writerPool.close();
        namespace.close();
    }
}
