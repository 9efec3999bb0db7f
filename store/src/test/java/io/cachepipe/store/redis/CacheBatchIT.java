package io.cachepipe.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.devstack.RedisServer;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A batch applies exactly what the same operations applied one by one would, and both exactly what
 * the scripts did before they were made leaner ({@link ReferenceScripts}): the same entries, the same
 * tombstones, the same pending re-warms, the same registry, and the same answers.
 */
@WithDevStack
class CacheBatchIT {
    /** Every mode and policy the scripts branch on: invalidate and refresh, cached and always. */
    private final ViewCatalog catalog = io.cachepipe.core.view.ViewsFile.parse("batch-it.yaml", """
            views:
              product:
                key: product:{id}
                params: {id: long}
                sql: SELECT * FROM products WHERE id = :id
                sources: [{table: products, bind: {id: id}}]
              product-always:
                key: always:{id}
                params: {id: long}
                sql: SELECT * FROM products WHERE id = :id
                warm: always
                sources: [{table: products, bind: {id: id}}]
              category-products:
                key: category:{category_id}:products:page:{page}
                params: {category_id: long, page: {type: int, min: 1, default: 1}}
                sql: SELECT * FROM products WHERE category_id = :category_id LIMIT 20 OFFSET (:page - 1) * 20
                result: list
                sources: [{table: products, bind: {category_id: category_id}}]
              category-refresh:
                key: refresh:{category_id}:page:{page}
                params: {category_id: long, page: {type: int, min: 1, default: 1}}
                sql: SELECT * FROM products WHERE category_id = :category_id LIMIT 20 OFFSET (:page - 1) * 20
                result: list
                on-change: refresh
                stale-grace: 2s
                sources: [{table: products, bind: {category_id: category_id}}]
            """);
    private final List<ViewDefinition> rows = List.of(catalog.view("product").orElseThrow(), catalog.view("product-always").orElseThrow());
    private final List<ViewDefinition> listings = List.of(catalog.view("category-products").orElseThrow(),
            catalog.view("category-refresh").orElseThrow());
    private final ViewDefinition product = rows.getFirst();
    private final List<RedisConnector> connectors = new ArrayList<>();
    private CacheStore single;
    private CacheStore batched;
    private CacheStore reference;

    @BeforeEach
    void connect(RedisServer redis, @TestNamespace.PerMethod TestNamespace namespace) {
        single = store(redis, namespace.keyPrefix() + "s:");
        batched = store(redis, namespace.keyPrefix() + "b:");
        reference = store(redis, namespace.keyPrefix() + "r:");
    }

    private CacheStore store(RedisServer redis, String namespace) {
        var connector = RedisConnector.connect(new RedisConfig(URI.create(redis.uri()), List.of(), namespace, Duration.ofSeconds(2)));
        connectors.add(connector);
        // No jitter, so that both stores give a value the same TTL.
        return new CacheStore(connector, new KeySpace(namespace, catalog), new CacheConfig(true, "unused", Duration.ofSeconds(2),
                Duration.ofSeconds(60)), Clock.systemUTC(), new FixedRandom());
    }

    @AfterEach
    void disconnect() {
        connectors.forEach(RedisConnector::close);
    }

    /** One operation, applicable to either store. */
    private sealed interface Op {
        record Invalidate(ViewDefinition view, long id, Version version, boolean mayWarm) implements Op {
        }

        record Replace(ViewDefinition view, long id, Version version, String value) implements Op {
        }

        record Write(ViewDefinition view, long category, int page, Version version, String value) implements Op {
        }

        record WriteRow(ViewDefinition view, long id, Version version, String value) implements Op {
        }

        record InvalidateGroup(ViewDefinition view, long category, Version version) implements Op {
        }
    }

    @Test
    void aRandomMixOfOperations_leavesTheSameStateAndAnswers_batchedAsOneByOne() {
        var random = new SplittableRandom(7);
        for (int round = 0; round < 20; round++) {
            List<Op> ops = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                ops.add(randomOp(random));
            }
            List<List<String>> oneByOne = new ArrayList<>();
            List<List<String>> asBefore = new ArrayList<>();
            for (Op op : ops) {
                oneByOne.add(applySingly(op));
                asBefore.add(applyAsBefore(op));
            }
            CacheBatch batch = batched.batch();
            ops.forEach(op -> add(batch, op));
            List<List<String>> together = batch.execute().toCompletableFuture().join().stream()
                    .map(outcome -> names(outcome.toWarm(), batched)).toList();

            assertThat(oneByOne).as("keys to re-warm one by one vs the reference scripts, round " + round).isEqualTo(asBefore);
            assertThat(together).as("keys to re-warm batched vs one by one, round " + round).isEqualTo(oneByOne);
            assertThat(state(single)).as("Redis state one by one vs the reference scripts, round " + round).isEqualTo(state(reference));
            assertThat(state(batched)).as("Redis state batched vs one by one, round " + round).isEqualTo(state(single));
        }
    }

    @Test
    void aBatchLargerThanOneScriptCall_isSplit_andStillAnswersInOrder() {
        CacheBatch batch = batched.batch();
        int count = CacheBatch.MAX_OPERATIONS_PER_CALL * 2 + 7;
        for (long id = 1; id <= count; id++) {
            batch.write(batched.keySpace().key(product, Map.of("id", id)), new Version(0x100), bytes("{\"id\":" + id + "}"));
        }

        List<CacheBatch.Outcome> outcomes = batch.execute().toCompletableFuture().join();

        assertThat(outcomes).hasSize(count).allMatch(CacheBatch.Outcome::applied);
        var peek = batched.peek(batched.keySpace().key(product, Map.of("id", (long) count))).toCompletableFuture().join();
        assertThat(peek).hasValueSatisfying(hit -> assertThat(new String(hit.value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":" + count + "}"));
    }

    private Op randomOp(SplittableRandom random) {
        Version version = new Version(0x100 + random.nextInt(40) * 0x10);
        long id = 1 + random.nextInt(8);
        long category = 1 + random.nextInt(3);
        ViewDefinition row = rows.get(random.nextInt(rows.size()));
        ViewDefinition listing = listings.get(random.nextInt(listings.size()));
        return switch (random.nextInt(5)) {
            case 0 -> new Op.Invalidate(row, id, version, random.nextBoolean());
            case 1 -> new Op.Replace(row, id, version, "{\"id\":" + id + ",\"at\":\"" + version.hex() + "\"}");
            case 2 -> new Op.Write(listing, category, 1 + random.nextInt(3), version, "[" + version.lsn() + "]");
            case 3 -> new Op.WriteRow(row, id, version, "{\"id\":" + id + "}");
            default -> new Op.InvalidateGroup(listing, category, version);
        };
    }

    private List<String> applySingly(Op op) {
        KeySpace keys = single.keySpace();
        return switch (op) {
            case Op.Invalidate i -> names(single.invalidate(keys.key(i.view(), Map.of("id", i.id())), i.version(), i.mayWarm())
                    .thenApply(result -> result.warm() ? List.of(result.key()) : List.<CacheKey>of()).toCompletableFuture().join(), single);
            case Op.Replace r -> {
                single.replace(keys.key(r.view(), Map.of("id", r.id())), r.version(), bytes(r.value())).toCompletableFuture().join();
                yield List.of();
            }
            case Op.Write w -> {
                single.write(keys.key(w.view(), Map.of("category_id", w.category(), "page", w.page())), w.version(), bytes(w.value()))
                        .toCompletableFuture().join();
                yield List.of();
            }
            case Op.WriteRow w -> {
                single.write(keys.key(w.view(), Map.of("id", w.id())), w.version(), bytes(w.value())).toCompletableFuture().join();
                yield List.of();
            }
            case Op.InvalidateGroup g -> names(single.invalidateGroup(g.view(), keys.group(g.view(), Map.of("category_id", g.category())),
                    g.version()).toCompletableFuture().join(), single);
        };
    }

    private List<String> applyAsBefore(Op op) {
        KeySpace keys = reference.keySpace();
        var scripts = new ReferenceScripts(reference);
        return switch (op) {
            case Op.Invalidate i -> names(scripts.invalidate(keys.key(i.view(), Map.of("id", i.id())), i.version(), i.mayWarm()), reference);
            case Op.Replace r -> {
                scripts.replace(keys.key(r.view(), Map.of("id", r.id())), r.version(), bytes(r.value()));
                yield List.of();
            }
            case Op.Write w -> {
                scripts.write(keys.key(w.view(), Map.of("category_id", w.category(), "page", w.page())), w.version(), bytes(w.value()));
                yield List.of();
            }
            case Op.WriteRow w -> {
                scripts.write(keys.key(w.view(), Map.of("id", w.id())), w.version(), bytes(w.value()));
                yield List.of();
            }
            case Op.InvalidateGroup g -> names(scripts.invalidateGroup(g.view(), keys.group(g.view(), Map.of("category_id", g.category())),
                    g.version()), reference);
        };
    }

    private void add(CacheBatch batch, Op op) {
        KeySpace keys = batched.keySpace();
        switch (op) {
            case Op.Invalidate i -> batch.invalidate(keys.key(i.view(), Map.of("id", i.id())), i.version(), i.mayWarm());
            case Op.Replace r -> batch.replace(keys.key(r.view(), Map.of("id", r.id())), r.version(), bytes(r.value()));
            case Op.Write w -> batch.write(keys.key(w.view(), Map.of("category_id", w.category(), "page", w.page())), w.version(),
                    bytes(w.value()));
            case Op.WriteRow w -> batch.write(keys.key(w.view(), Map.of("id", w.id())), w.version(), bytes(w.value()));
            case Op.InvalidateGroup g -> batch.invalidateGroup(g.view(), keys.group(g.view(), Map.of("category_id", g.category())),
                    g.version());
        }
    }

    private List<String> names(List<CacheKey> keys, CacheStore store) {
        return keys.stream().map(key -> key.redisKey().substring(store.keySpace().namespace().length())).sorted().toList();
    }

    /**
     * Every entry's fields (the stale-since time only as present or not: it is a clock reading), every
     * group index's members and version, and every registry's members, by name relative to the namespace.
     */
    private Map<String, String> state(CacheStore store) {
        var redis = store.commands();
        String namespace = store.keySpace().namespace();
        Map<String, String> state = new TreeMap<>();
        for (ViewDefinition row : rows) {
            for (long id = 1; id <= 8; id++) {
                state.put(row.name() + " " + id, entry(store, store.keySpace().key(row, Map.of("id", id)).redisKey()));
            }
        }
        for (ViewDefinition listing : listings) {
            for (long category = 1; category <= 3; category++) {
                var group = store.keySpace().group(listing, Map.of("category_id", category));
                List<String> members = redis.zrange(bytes(group.indexKey()), 0, -1).toCompletableFuture().join().stream()
                        .map(member -> new String(member, StandardCharsets.UTF_8).substring(namespace.length())).sorted().toList();
                byte[] version = redis.get(bytes(group.versionKey())).toCompletableFuture().join();
                state.put(listing.name() + " group " + category, members + " v=" + (version == null ? "-" : new String(version, StandardCharsets.UTF_8)));
                for (int page = 1; page <= 3; page++) {
                    state.put(listing.name() + " page " + category + "/" + page,
                            entry(store, store.keySpace().key(listing, Map.of("category_id", category, "page", page)).redisKey()));
                }
            }
        }
        for (ViewDefinition view : catalog.views()) {
            state.put("registry " + view.name(), redis.zrange(bytes(store.keySpace().registry(view)), 0, -1).toCompletableFuture().join()
                    .stream().map(member -> new String(member, StandardCharsets.UTF_8).substring(namespace.length())).sorted().toList()
                    .toString());
        }
        return state;
    }

    private static String entry(CacheStore store, String redisKey) {
        Map<byte[], byte[]> fields = store.commands().hgetall(bytes(redisKey)).toCompletableFuture().join();
        Map<String, String> readable = new TreeMap<>();
        fields.forEach((name, value) -> {
            String field = new String(name, StandardCharsets.UTF_8);
            readable.put(field, field.equals("it") ? "set" : new String(value, StandardCharsets.UTF_8));
        });
        return readable.toString();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** No TTL jitter: {@code nextDouble()} is always 0. */
    private static final class FixedRandom implements RandomGenerator {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public double nextDouble() {
            return 0;
        }
    }
}
