package io.cachepipe.invalidator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.ChangeOp;
import io.cachepipe.core.change.TableName;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.CacheTarget;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.store.kafka.WarmRequestSerde;
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
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The applier on a real Redis: a change whose effects Redis refuses (a key of the wrong type planted
 * on purpose), or that fails for a reason of its own (not Redis being away), is found among the batch,
 * sent to the dead-letter topic with the reason, and every other change of the batch is applied. Nothing
 * is retried as if Redis were down.
 */
@WithDevStack
class BatchApplierIT {
    private static final ViewCatalog CATALOG = TestCatalog.CATALOG;
    private static final String DEAD_LETTERS = "cp.dead-letter";

    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private RedisConnector redis;
    private CacheStore store;
    private WarmRequests warm;
    private BatchApplier applier;

    @BeforeEach
    void connect(DevStack stack, TestNamespace namespace) {
        redis = RedisConnector.connect(new RedisConfig(URI.create(stack.redis().uri()), List.of(), namespace.keyPrefix(), Duration.ofSeconds(2)));
        store = new CacheStore(redis, new KeySpace(namespace.keyPrefix(), CATALOG),
                CacheConfig.read(Settings.of(Map.of("views.file", "test-views.yaml"))), Clock.systemUTC(), RandomGenerator.getDefault());
        warm = new WarmRequests(producer, "cp.warm", new WarmRequestSerde(Json.mapper()).serializer(), WarmRequests.Holding.window(Duration.ZERO), metrics);
        applier = new BatchApplier(store, warm, producer, DEAD_LETTERS, metrics, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        applier.close();
        warm.close();
        redis.close();
    }

    @Test
    void aChangeRedisRefuses_isDeadLetteredWithRedissReason_andTheRestOfTheBatchIsApplied() throws Exception {
        CacheKey planted = key(2);
        redis.commands().set(bytes(planted.redisKey()), bytes("not a cache entry")).get();
        for (long id : new long[] {1, 3}) {
            assertThat(store.write(key(id), new Version(0x100), bytes("{\"id\":" + id + "}")).toCompletableFuture().join()).isTrue();
        }

        List<EffectBatch.Item> batch = List.of(change(0x200, 10, row(1)), change(0x200, 11, row(2)), change(0x200, 12, row(3)));
        assertThat(applier.applyUntilDone(batch)).isTrue();

        assertThat(deadLetters()).singleElement().satisfies(letter -> {
            assertThat(header(letter, DeadLetters.SOURCE_OFFSET)).isEqualTo("11");
            assertThat(header(letter, DeadLetters.REASON)).startsWith("Redis refused the change's effects: ").contains("WRONGTYPE");
        });
        assertThat(store.peek(key(1)).toCompletableFuture().join()).as("row 1 invalidated").isEmpty();
        assertThat(store.peek(key(3)).toCompletableFuture().join()).as("row 3 invalidated").isEmpty();
        assertThat(metrics.counter(MetricNames.DEAD_LETTERS, "stage", "invalidator").count()).isEqualTo(1);
    }

    @Test
    void aChangeThatFailsForAReasonOfItsOwn_isDeadLettered_notRetriedAsIfRedisWereDown() throws Exception {
        // A key with a group cannot take a row image: CacheBatch refuses it before anything reaches Redis.
        var grouped = new CacheTarget.Key(CATALOG.view("category-products").orElseThrow(), Map.of("category_id", 4L, "page", 1), true);
        var bad = new EffectBatch.Change(event(0x300), List.of(grouped), java.util.Collections.singletonList(bytes("[]")),
                new RecordSource("cp.products", 0, 21, null, null, 0));
        assertThat(store.write(key(5), new Version(0x100), bytes("{\"id\":5}")).toCompletableFuture().join()).isTrue();

        long started = System.nanoTime();
        assertThat(applier.applyUntilDone(List.of(change(0x300, 20, row(5)), bad))).isTrue();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no pause as for an outage").isLessThan(Duration.ofSeconds(5));
        assertThat(deadLetters()).singleElement().satisfies(letter -> {
            assertThat(header(letter, DeadLetters.SOURCE_OFFSET)).isEqualTo("21");
            assertThat(header(letter, DeadLetters.REASON)).startsWith("the change's effects could not be applied: IllegalArgumentException");
        });
        assertThat(store.peek(key(5)).toCompletableFuture().join()).as("the other change of the batch").isEmpty();
    }

    @Test
    void whileRedisIsOutOfMemory_aBatchStillTakesAwayTheValuesItsChangesMadeOld_andWritesNone() throws Exception {
        for (long id : new long[] {7, 8}) {
            assertThat(store.write(key(id), new Version(0x100), bytes("{\"id\":" + id + ",\"price\":1}")).toCompletableFuture().join()).isTrue();
        }
        var server = redis.commands();
        String policy = server.configGet("maxmemory-policy").get().get("maxmemory-policy");
        server.configSet("maxmemory-policy", "noeviction").get();
        server.configSet("maxmemory", "1").get(); // below what any Redis uses: every write is refused
        try {
            assertThat(store.write(key(9), new Version(0x100), bytes("{}")).toCompletableFuture())
                    .as("Redis refuses writes").failsWithin(Duration.ofSeconds(5)).withThrowableThat().withMessageContaining("OOM");

            // A row image (a replace) and an invalidation: the way the pipeline would retry them, both stay cached.
            var image = new EffectBatch.Change(event(0x200), List.of(row(7)), List.of(bytes("{\"id\":7,\"price\":2}")),
                    new RecordSource("cp.products", 0, 30, null, null, 0));
            var invalidation = new EffectBatch.Change(event(0x200), List.of(new CacheTarget.Key(row(8).view(), row(8).params(), true)),
                    java.util.Collections.singletonList(null), new RecordSource("cp.products", 0, 31, null, null, 0));
            var applied = java.util.concurrent.CompletableFuture.supplyAsync(() -> applier.applyUntilDone(List.of(image, invalidation)));
            assertThat(applied).as("applied, not waited out").succeedsWithin(Duration.ofSeconds(10)).isEqualTo(true);
            assertThat(store.peek(key(7)).toCompletableFuture().join()).as("the imaged row's old value").isEmpty();
            assertThat(store.peek(key(8)).toCompletableFuture().join()).as("the invalidated row's old value").isEmpty();
            assertThat(deadLetters()).isEmpty();
            applier.flushWarmRequests();
            assertThat(producer.history().stream().filter(record -> record.topic().equals("cp.warm")).count())
                    .as("both keys re-warmed once Redis has room").isEqualTo(2);
        } finally {
            server.configSet("maxmemory", "0").get();
            server.configSet("maxmemory-policy", policy).get();
        }
        assertThat(store.write(key(7), new Version(0x200), bytes("{\"id\":7,\"price\":2}")).toCompletableFuture().join())
                .as("the re-warm's write once Redis has room").isTrue();
    }

    private List<ProducerRecord<byte[], byte[]>> deadLetters() {
        return new ArrayList<>(producer.history().stream().filter(record -> record.topic().equals(DEAD_LETTERS)).toList());
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private CacheKey key(long id) {
        return store.keySpace().key(CATALOG.view("product").orElseThrow(), Map.of("id", id));
    }

    private static CacheTarget.Key row(long id) {
        return new CacheTarget.Key(CATALOG.view("product").orElseThrow(), Map.of("id", id), false);
    }

    private static ChangeEvent event(long version) {
        return new ChangeEvent(new TableName("public", "products"), ChangeOp.UPDATE, null, null, null, new Version(version), version, 0);
    }

    private static EffectBatch.Change change(long version, long offset, CacheTarget.Key target) {
        return new EffectBatch.Change(event(version), List.of(target), java.util.Collections.singletonList(null),
                new RecordSource("cp.products", 0, offset, null, null, 0));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
