package io.cachepipe.api;

import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.metrics.Metrics;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.examples.CatalogSeeder;
import io.cachepipe.examples.ExampleSchema;
import io.cachepipe.store.postgres.DataSources;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.RedisConnector;
import io.cachepipe.testsupport.TestNamespace;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A real ApiServer on the demo catalog (examples/catalog: schema, seeded rows, views.yaml) against
 * the dev stack's PostgreSQL and Redis, without the pipeline: what an attacker on the network sees.
 */
final class DemoApi implements AutoCloseable {
    static final String ADMIN_TOKEN = "admin-token-0123456789abcdef";
    static final String WRITE_TOKEN = "write-token-0123456789abcdef";
    static final int PRODUCTS = 200;

    final ViewCatalog catalog;
    final RedisConnector redis;
    final CacheStore store;
    final ApiServer server;
    final PrometheusMeterRegistry metrics = Metrics.prometheus("api");
    final RawHttp http;
    private final AutoCloseable pool;

    /** {@code settings}: API and {@code postgres.*} settings over the defaults (tokens as above, short read-your-writes wait, no near cache). */
    DemoApi(DevStack stack, TestNamespace namespace, Map<String, String> settings, Map<String, String> cache) throws Exception {
        try (Connection connection = namespace.jdbc().connect()) {
            ExampleSchema.CATALOG.create(connection);
            CatalogSeeder.seed(connection, PRODUCTS, 10, 7);
        }
        catalog = ViewsFile.load(ExampleSchema.CATALOG.viewsLocation());
        RedisConfig redisConfig = new RedisConfig(URI.create(stack.redis().uri()), List.of(), namespace.keyPrefix(), Duration.ofMillis(500));
        redis = RedisConnector.connect(redisConfig);
        Map<String, String> cacheSettings = new HashMap<>(Map.of("views.file", ExampleSchema.CATALOG.viewsLocation()));
        cacheSettings.putAll(cache);
        CacheConfig cacheConfig = CacheConfig.read(Settings.of(cacheSettings));
        store = new CacheStore(redis, new KeySpace(namespace.keyPrefix(), catalog), cacheConfig, Clock.systemUTC(), new Random(42));
        Map<String, String> postgres = new HashMap<>(Map.of("postgres.url", namespace.jdbcUrl(), "postgres.user", stack.postgres().user(),
                "postgres.password", stack.postgres().password()));
        settings.forEach((name, value) -> {
            if (name.startsWith("postgres.")) {
                postgres.put(name, value);
            }
        });
        var dataSource = DataSources.pool(PostgresConfig.read(Settings.of(postgres)), "demo-api-it");
        pool = dataSource;
        Map<String, String> api = new HashMap<>(Map.of("api.host", "127.0.0.1", "api.port", "0", "api.near-cache", "false",
                "api.admin-token", ADMIN_TOKEN, "api.read-your-writes-wait", "20ms"));
        settings.forEach((name, value) -> {
            if (!name.startsWith("postgres.")) {
                api.put(name, value);
            }
        });
        server = new ApiServer(ApiConfig.read(Settings.of(api)), cacheConfig, redisConfig, catalog, store, dataSource, metrics,
                Clock.systemUTC());
        server.start();
        http = new RawHttp(server.port());
    }

    static Map<String, String> json() {
        return Map.of("Content-Type", "application/json");
    }

    @Override
    public void close() throws Exception {
        server.close();
        redis.close();
        pool.close();
    }
}
