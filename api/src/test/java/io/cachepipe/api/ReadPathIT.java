package io.cachepipe.api;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.metrics.Metrics;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.store.postgres.DataSources;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.RedisConnector;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The API's read path against real PostgreSQL and Redis, with each hazard made to happen on
 * purpose: a fill held between its database read and its Redis write while an update lands (the
 * stale set), many concurrent misses on two API instances (single flight), Redis stopped under
 * read load, and the kill switch.
 */
@WithDevStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadPathIT {
    private static final String VIEWS = """
            views:
              product:
                key: product:{id}
                params: {id: long}
                route: /products/{id}
                sql: SELECT id, name, price FROM products WHERE id = :id
                sources:
                  - table: products
                    bind: {id: id}
            """;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private DevStack stack;
    private TestNamespace namespace;
    private ViewCatalog catalog;
    private RedisConnector redis;
    private CacheStore store;
    private ObservedDataSource database;

    @BeforeAll
    void createTable(DevStack stack, TestNamespace namespace) {
        this.stack = stack;
        this.namespace = namespace;
        namespace.jdbc().execute("CREATE TABLE products (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT NULL)");
        namespace.jdbc().execute("INSERT INTO products SELECT i, 'product ' || i, i FROM generate_series(1, 500) AS i");
        catalog = ViewsFile.parse("read-path-it.yaml", VIEWS);
        redis = RedisConnector.connect(new RedisConfig(URI.create(stack.redis().uri()), List.of(), namespace.keyPrefix(),
                Duration.ofMillis(500)));
        store = new CacheStore(redis, new KeySpace(namespace.keyPrefix(), catalog), cacheConfig(true), Clock.systemUTC(),
                RandomGenerator.getDefault());
        var pool = DataSources.pool(PostgresConfig.read(Settings.of(Map.of("postgres.url", namespace.jdbcUrl(),
                "postgres.user", stack.postgres().user(), "postgres.password", stack.postgres().password()))), "read-path-it");
        closing.add(pool);
        database = new ObservedDataSource(pool);
    }

    @AfterAll
    void stop() throws Exception {
        Collections.reverse(closing);
        for (AutoCloseable part : closing) {
            part.close();
        }
        redis.close();
    }

    @Test
    void staleSet_aFillHeldBetweenItsDatabaseReadAndItsRedisWrite_isRefusedWhenAnUpdateLandsMeanwhile() throws Exception {
        Api api = startApi(true, Map.of());
        CacheKey key = key(401);
        ObservedDataSource.Hold hold = database.holdNextLoad();
        CompletableFuture<HttpResponse<String>> reader = CompletableFuture.supplyAsync(() -> get(api, "/products/401"));
        assertThat(hold.loaded.await(10, TimeUnit.SECONDS)).isTrue();

        namespace.jdbc().update("UPDATE products SET price = 1001 WHERE id = 401");
        Version change = Version.ofPgLsn(namespace.jdbc().queryValue(String.class, "SELECT pg_current_wal_lsn()::text"));
        store.invalidate(key, change).toCompletableFuture().join(); // what the invalidator does for that change
        hold.release();

        HttpResponse<String> first = reader.get(10, TimeUnit.SECONDS);
        assertThat(first.body()).as("the reader answers what it read, before the update").contains("\"price\":401.00");
        assertThat(store.peek(key).toCompletableFuture().join()).as("but its fill was refused").isEmpty();
        assertThat(counted(api, MetricNames.CACHE_FILLS, "result", "refused")).isEqualTo(1);
        assertThat(get(api, "/products/401").body()).contains("\"price\":1001.00");
        HttpResponse<String> again = get(api, "/products/401");
        assertThat(again.body()).contains("\"price\":1001.00");
        assertThat(again.headers().firstValue("X-Cache")).contains("HIT");
    }

    @Test
    void singleFlight_concurrentMissesOnTwoApiInstances_loadTheDatabaseOnce() throws Exception {
        Map<String, String> patient = Map.of("api.busy-wait", "10s");
        Api one = startApi(true, patient);
        Api two = startApi(true, patient);
        int before = database.borrowed();
        ObservedDataSource.Hold hold = database.holdNextLoad();
        int readers = 32;
        var sent = new AtomicInteger();
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < readers; i++) {
            Api api = i % 2 == 0 ? one : two;
            responses.add(CompletableFuture.supplyAsync(() -> {
                sent.incrementAndGet();
                return get(api, "/products/402");
            }, runnable -> Thread.ofVirtual().start(runnable)));
        }
        assertThat(hold.loaded.await(10, TimeUnit.SECONDS)).isTrue();
        await().until(() -> sent.get() == readers);
        hold.release();

        for (CompletableFuture<HttpResponse<String>> response : responses) {
            HttpResponse<String> answer = response.get(20, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("\"id\":402,");
        }
        System.out.printf("single flight: %d concurrent misses on 2 API instances, %d database load(s)%n",
                readers, database.borrowed() - before);
        assertThat(database.borrowed() - before).isEqualTo(1);
    }

    @Test
    void redisStoppedUnderReadLoad_noRequestFails_andTheCacheComesBackByItself() throws Exception {
        Api api = startApi(true, Map.of());
        var failures = new ConcurrentLinkedQueue<String>();
        var outageLatencies = new ConcurrentLinkedQueue<Long>();
        var outage = new AtomicBoolean();
        var reading = new AtomicBoolean(true);
        var answered = new AtomicInteger();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            readers.add(Thread.ofPlatform().name("reader-" + i).start(() -> {
                while (reading.get()) {
                    long started = System.nanoTime();
                    try {
                        HttpResponse<String> response = get(api, "/products/" + (1 + ThreadLocalRandom.current().nextInt(100)));
                        if (response.statusCode() != 200) {
                            failures.add(response.statusCode() + " " + response.body());
                        }
                    } catch (RuntimeException e) {
                        failures.add(e.toString());
                    }
                    if (outage.get()) {
                        outageLatencies.add(System.nanoTime() - started);
                    }
                    answered.incrementAndGet();
                }
            }));
        }
        try {
            await().until(() -> answered.get() > 500);
            stack.redis().stop();
            outage.set(true);
            int atStop = answered.get();
            await().until(() -> answered.get() > atStop + 1000);
            outage.set(false);
            stack.redis().start();
            await().atMost(Duration.ofSeconds(30)).until(() -> get(api, "/products/3").headers().firstValue("X-Cache")
                    .filter(cache -> cache.equals("HIT") || cache.equals("MISS")).isPresent());
        } finally {
            reading.set(false);
            for (Thread reader : readers) {
                reader.join();
            }
            stack.redis().start();
        }
        List<Long> sorted = outageLatencies.stream().sorted().toList();
        double fallbacks = counted(api, MetricNames.CACHE_FALLBACKS, "reason", "redis-unavailable");
        System.out.printf("Redis stopped under load: %d requests, %d failed; during the outage %d requests, p50 %.2f ms,"
                        + " p99 %.2f ms, max %.2f ms; %.0f answered from PostgreSQL (redis-unavailable)%n",
                answered.get(), failures.size(), sorted.size(), percentile(sorted, 0.50), percentile(sorted, 0.99),
                percentile(sorted, 1.0), fallbacks);
        assertThat(failures).isEmpty();
        assertThat(fallbacks).isGreaterThanOrEqualTo(1000);
        await().until(() -> "HIT".equals(get(api, "/products/4").headers().firstValue("X-Cache").orElse("")));
    }

    @Test
    void redisAtItsMaxmemory_servesWhatItHolds_andAnswersMissesFromPostgreSQL_withoutTakingItForAnOutage() throws Exception {
        Api api = startApi(true, Map.of());
        get(api, "/products/404");
        assertThat(get(api, "/products/404").headers().firstValue("X-Cache")).contains("HIT");
        var server = redis.commands();
        String policy = server.configGet("maxmemory-policy").get().get("maxmemory-policy");
        server.configSet("maxmemory-policy", "noeviction").get();
        server.configSet("maxmemory", "1").get(); // below what any Redis uses: every write is refused
        try {
            for (int read = 0; read < 10; read++) { // more than the circuit breaker's threshold
                HttpResponse<String> miss = get(api, "/products/405");
                assertThat(miss.statusCode()).isEqualTo(200);
                assertThat(miss.body()).contains("\"id\":405,");
                assertThat(miss.headers().firstValue("X-Cache")).contains("FALLBACK");
            }
            assertThat(get(api, "/products/404").headers().firstValue("X-Cache")).as("a cached value is still served").contains("HIT");
            assertThat(counted(api, MetricNames.CACHE_FALLBACKS, "reason", "redis-full")).isEqualTo(10);
            JsonNode stats = Json.mapper().readTree(get(api, "/cache/stats").body());
            assertThat(stats.path("redisAvailable").asBoolean()).as("breaker closed").isTrue();
            assertThat(stats.path("redisFull").asBoolean()).isTrue();
        } finally {
            server.configSet("maxmemory", "0").get();
            server.configSet("maxmemory-policy", policy).get();
        }
        get(api, "/products/405");
        assertThat(get(api, "/products/405").headers().firstValue("X-Cache")).as("filled once Redis has room").contains("HIT");
    }

    @Test
    void killSwitch_servesStraightFromPostgreSQL_andLeavesRedisAlone() throws Exception {
        Api api = startApi(false, Map.of());
        HttpResponse<String> response = get(api, "/products/403");
        assertThat(response.body()).contains("\"id\":403,");
        assertThat(response.headers().firstValue("X-Cache")).contains("FALLBACK");
        assertThat(get(api, "/products/403").headers().firstValue("X-Cache")).contains("FALLBACK");
        assertThat(store.peek(key(403)).toCompletableFuture().join()).isEmpty();
        assertThat(counted(api, MetricNames.CACHE_FALLBACKS, "reason", "disabled")).isEqualTo(2);
    }

    /** One API server and its own metrics. */
    private record Api(ApiServer server, PrometheusMeterRegistry metrics) {
    }

    private Api startApi(boolean cacheEnabled, Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(Map.of("api.host", "127.0.0.1", "api.port", "0", "api.near-cache", "false"));
        settings.putAll(overrides);
        PrometheusMeterRegistry metrics = Metrics.prometheus("api");
        var server = new ApiServer(ApiConfig.read(Settings.of(settings)), cacheConfig(cacheEnabled), redisConfig(), catalog, store,
                database.dataSource(), metrics, Clock.systemUTC());
        server.start();
        closing.add(server);
        return new Api(server, metrics);
    }

    private static CacheConfig cacheConfig(boolean enabled) {
        return CacheConfig.read(Settings.of(Map.of("views.file", "read-path-it.yaml", "cache.enabled", Boolean.toString(enabled))));
    }

    private RedisConfig redisConfig() {
        return new RedisConfig(URI.create(stack.redis().uri()), List.of(), namespace.keyPrefix(), Duration.ofMillis(500));
    }

    private CacheKey key(long id) {
        return store.keySpace().key(catalog.view("product").orElseThrow(), Map.of("id", id));
    }

    private HttpResponse<String> get(Api api, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.server().port() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("GET " + path + " failed: " + e, e);
        }
    }

    private static double counted(Api api, String name, String tag, String value) {
        var counter = api.metrics().find(name).tag(tag, value).counter();
        return counter == null ? 0 : counter.count();
    }

    private static double percentile(List<Long> sortedNanos, double share) {
        if (sortedNanos.isEmpty()) {
            return 0;
        }
        int index = (int) Math.min(sortedNanos.size() - 1, Math.ceil(share * sortedNanos.size()) - 1);
        return sortedNanos.get(Math.max(0, index)) / 1e6;
    }
}
