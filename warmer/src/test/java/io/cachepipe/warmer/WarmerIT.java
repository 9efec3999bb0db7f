package io.cachepipe.warmer;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.core.view.WarmRequest;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.store.kafka.Topics;
import io.cachepipe.store.kafka.WarmRequestSerde;
import io.cachepipe.store.postgres.ConnectionPool;
import io.cachepipe.store.postgres.DataSources;
import io.cachepipe.store.postgres.ViewLoader;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.RedisConnector;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The warmer against real servers: warm requests in the topic become values in Redis, byte for byte
 * what a single load renders, many keys per database query, and a request older than an invalidation
 * the key has seen is refused.
 */
@WithDevStack
class WarmerIT {
    private static final ViewCatalog CATALOG = ViewsFile.parse("warmer-it.yaml", """
            views:
              product:
                key: product:{id}
                params: {id: long}
                sql: SELECT id, name, price, category_id FROM products WHERE id = :id
                result: row
                sources: [{table: products, bind: {id: id}}]
              slow-product:
                key: slow:{id}
                params: {id: long}
                sql: SELECT p.id, p.name FROM products p, pg_sleep(2) WHERE p.id = :id
                result: row
                sources: [{table: products, bind: {id: id}}]
              category-products:
                key: category:{category_id}:products:page:{page}
                params: {category_id: long, page: {type: int, min: 1, default: 1}}
                sql: SELECT id, name FROM products WHERE category_id = :category_id ORDER BY id LIMIT 5 OFFSET (:page - 1) * 5
                result: list
                sources: [{table: products, bind: {category_id: category_id}}]
            """);
    private static final int PRODUCTS = 120;

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final ViewDefinition product = CATALOG.view("product").orElseThrow();
    private final ViewDefinition listing = CATALOG.view("category-products").orElseThrow();
    private final ViewDefinition slow = CATALOG.view("slow-product").orElseThrow();
    private ConnectionPool pool;
    private RedisConnector redis;
    private CacheStore store;
    private Warmer warmer;
    private KafkaProducer<String, WarmRequest> producer;
    private String warmTopic;

    @BeforeEach
    void start(@TestNamespace.PerMethod TestNamespace namespace, DevStack stack) {
        var db = namespace.jdbc();
        db.execute("CREATE TABLE products (id bigint PRIMARY KEY, name text, price numeric(10,2), category_id bigint)");
        db.execute("INSERT INTO products SELECT i, 'product ' || i, i * 1.25, i % 4 FROM generate_series(1, " + PRODUCTS + ") i");
        pool = DataSources.pool(new PostgresConfig(namespace.jdbcUrl(), stack.postgres().user(), stack.postgres().password(), 4), "warmer-it");
        redis = RedisConnector.connect(new RedisConfig(URI.create(stack.redis().uri()), List.of(), namespace.keyPrefix(), Duration.ofSeconds(2)));
        var cache = new CacheConfig(true, "unused", Duration.ofSeconds(2), Duration.ofSeconds(60));
        store = new CacheStore(redis, new KeySpace(namespace.keyPrefix(), CATALOG), cache, Clock.systemUTC(), RandomGenerator.getDefault());
        var kafka = new KafkaConfig(stack.kafka().bootstrapServers(), namespace.topicPrefix(), 2, (short) 1);
        warmTopic = new Topics(namespace.topicPrefix()).warm();
        warmer = new Warmer(kafka, new WarmerConfig(namespace.groupId("warmer"), 2, 500, 50, 0), cache, CATALOG, store, pool, metrics,
                Clock.systemUTC());
        warmer.start();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()),
                new StringSerializer(), new WarmRequestSerde(Json.mapper()).serializer());
    }

    @AfterEach
    void stop() {
        producer.close();
        warmer.close();
        redis.close();
        pool.close();
    }

    private void request(CacheKey key, Version version) {
        producer.send(new ProducerRecord<>(warmTopic, key.redisKey(), new WarmRequest(key.view().name(), key.params(), version, 0)));
    }

    private Optional<String> cached(CacheKey key) {
        return store.peek(key).toCompletableFuture().join().map(hit -> new String(hit.value(), StandardCharsets.UTF_8));
    }

    private double count(String name, String view, String result) {
        var counter = result == null ? metrics.find(name).tag("view", view).counter()
                : metrics.find(name).tag("view", view).tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void warmRequests_becomeTheValuesASingleLoadRenders_manyKeysPerQuery() throws Exception {
        List<CacheKey> keys = new ArrayList<>();
        for (long id = 1; id <= PRODUCTS + 3; id++) { // three ids with no row: cached as "not found"
            keys.add(store.keySpace().key(product, Map.of("id", id)));
        }
        for (long category = 0; category < 4; category++) {
            for (int page = 1; page <= 3; page++) {
                keys.add(store.keySpace().key(listing, Map.of("category_id", category, "page", page)));
            }
        }
        keys.forEach(key -> request(key, new Version(0x100)));
        producer.flush();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(count(MetricNames.WARMER_LOADS, "product", "written") + count(MetricNames.WARMER_LOADS, "category-products", "written"))
                        .isEqualTo(keys.size()));
        var single = new ViewLoader(pool);
        for (CacheKey key : keys) {
            assertThat(cached(key)).as(key.redisKey()).hasValue(new String(single.load(key.view(), key.params()), StandardCharsets.UTF_8));
        }
        assertThat(count(MetricNames.WARMER_QUERIES, "product", null)).as("database queries for " + (PRODUCTS + 3) + " products")
                .isLessThanOrEqualTo((PRODUCTS + 3) / 50.0 + 4);
    }

    /**
     * An invalidation Redis applied before the load began is in what the load reads (cdc-capture publishes
     * a change only once it is visible), so the value is written at that invalidation's version, not
     * refused for being newer than the request: the key's own tombstone, and a listing page's group.
     */
    @Test
    void anInvalidationAppliedBeforeTheLoadBegan_isInTheLoad_soTheValueIsWrittenAtItsVersion() throws Exception {
        CacheKey key = store.keySpace().key(product, Map.of("id", 7L));
        store.invalidate(key, new Version(0x200)).toCompletableFuture().join();
        CacheKey page = store.keySpace().key(listing, Map.of("category_id", 1L, "page", 1));
        store.invalidateGroup(listing, page.group(), new Version(0x250)).toCompletableFuture().join();

        request(key, new Version(0x100));
        request(page, new Version(0x100));
        producer.flush();

        await().atMost(Duration.ofSeconds(60)).until(() -> count(MetricNames.WARMER_LOADS, "product", "written") == 1
                && count(MetricNames.WARMER_LOADS, "category-products", "written") == 1);
        var single = new ViewLoader(pool);
        var product7 = store.peek(key).toCompletableFuture().join().orElseThrow();
        assertThat(product7.version()).isEqualTo(new Version(0x200));
        assertThat(new String(product7.value(), StandardCharsets.UTF_8)).isEqualTo(new String(single.load(product, key.params()), StandardCharsets.UTF_8));
        assertThat(store.peek(page).toCompletableFuture().join()).hasValueSatisfying(hit -> assertThat(hit.version()).isEqualTo(new Version(0x250)));
        assertThat(count(MetricNames.WARMER_LOADS, "product", "refused") + count(MetricNames.WARMER_LOADS, "category-products", "refused")).isZero();
    }

    /** The stale-set race: a change whose invalidation lands while the load runs may be missing from it, so the write is refused. */
    @Test
    void anInvalidationLandingWhileTheLoadRuns_refusesItsWrite() {
        CacheKey key = store.keySpace().key(slow, Map.of("id", 9L));
        request(key, new Version(0x100));
        producer.flush();
        await().atMost(Duration.ofSeconds(60)).until(() -> slowLoadsRunning() == 1);

        store.invalidate(key, new Version(0x300)).toCompletableFuture().join();

        await().atMost(Duration.ofSeconds(60)).until(() -> count(MetricNames.WARMER_LOADS, "slow-product", "refused") == 1);
        assertThat(cached(key)).isEmpty();
    }

    /** The slow view's loads running in PostgreSQL now. */
    private long slowLoadsRunning() throws Exception {
        try (var connection = pool.getConnection();
             var statement = connection.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                     + "AND query LIKE '%pg_sleep(2)%' AND pid <> pg_backend_pid()");
             var rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
