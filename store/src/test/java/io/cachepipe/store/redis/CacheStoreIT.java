package io.cachepipe.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeyGroup;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.TestViews;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.devstack.RedisServer;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The version rules of every cache write, against a real Redis. */
@WithDevStack
class CacheStoreIT {
    private static final Version V1 = new Version(0x100);
    private static final Version V2 = new Version(0x200);
    private static final Version V3 = new Version(0x300);
    private static final Pattern HDEL_CALLS = Pattern.compile("cmdstat_hdel:calls=(\\d+)");

    private final ViewCatalog catalog = TestViews.catalog();
    private final ViewDefinition product = catalog.view("product").orElseThrow();
    private final ViewDefinition listing = catalog.view("category-products").orElseThrow();
    private RedisConnector connector;
    private CacheStore store;
    private KeySpace keys;

    @BeforeEach
    void connect(RedisServer redis, @TestNamespace.PerMethod TestNamespace namespace) {
        var config = new RedisConfig(URI.create(redis.uri()), List.of(), namespace.keyPrefix(), Duration.ofSeconds(2));
        connector = RedisConnector.connect(config);
        keys = new KeySpace(namespace.keyPrefix(), catalog);
        store = new CacheStore(connector, keys, new CacheConfig(true, "unused", Duration.ofSeconds(2), Duration.ofSeconds(60)),
                Clock.systemUTC(), RandomGenerator.getDefault());
    }

    @AfterEach
    void disconnect() {
        connector.close();
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private ReadResult read(CacheKey key) {
        return store.read(key).toCompletableFuture().join();
    }

    @Test
    void evictionPolicy_isReadFromTheServer_andVolatileTtlIsARisk() throws Exception {
        var server = connector.commands();
        String configured = server.configGet("maxmemory-policy").get().get("maxmemory-policy");
        try {
            server.configSet("maxmemory-policy", "volatile-ttl").get();
            EvictionPolicy policy = store.evictionPolicy().toCompletableFuture().join();
            assertThat(policy.name()).isEqualTo("volatile-ttl");
            assertThat(policy.risk()).hasValueSatisfying(risk -> assertThat(risk).contains("tombstones"));
            server.configSet("maxmemory-policy", "allkeys-lru").get();
            assertThat(store.evictionPolicy().toCompletableFuture().join().risk()).isEmpty();
        } finally {
            server.configSet("maxmemory-policy", configured).get();
        }
    }

    @Test
    void staleSet_aFillWhoseLeaseAnInvalidationVoided_isRefused() {
        CacheKey key = keys.key(product, Map.of("id", 1L));
        var lease = (ReadResult.Leased) read(key);
        assertThat(read(key)).as("a second reader waits for the lease holder").isInstanceOf(ReadResult.Busy.class);

        store.invalidate(key, V2).toCompletableFuture().join();

        assertThat(store.fill(key, lease, json("{\"old\":true}")).toCompletableFuture().join()).isFalse();
        var retry = (ReadResult.Leased) read(key);
        assertThat(retry.fillVersion()).isEqualTo(V2);
        assertThat(store.fill(key, retry, json("{\"new\":true}")).toCompletableFuture().join()).isTrue();
        assertThat(read(key)).isInstanceOfSatisfying(ReadResult.Hit.class,
                hit -> assertThat(new String(hit.value(), StandardCharsets.UTF_8)).isEqualTo("{\"new\":true}"));
    }

    /**
     * Invalidations of a key that is already a tombstone are most of them under load: without a lease to
     * void they change its tombstone version and expiry only, and send no HDEL.
     */
    @Test
    void invalidate_aTombstoneWithoutALease_sendsNoHdel_whileALeaseIsStillVoided() {
        CacheKey key = keys.key(product, Map.of("id", 2L));
        assertThat(store.write(key, V1, json("{\"v\":1}")).toCompletableFuture().join()).isTrue();
        store.invalidate(key, V2).toCompletableFuture().join();

        long hdels = hdelCalls();
        assertThat(store.invalidate(key, V3).toCompletableFuture().join().applied()).as("nothing cached to invalidate").isFalse();
        assertThat(hdelCalls()).as("HDEL calls on the server").isEqualTo(hdels);

        var lease = (ReadResult.Leased) read(key);
        store.invalidate(key, new Version(0x400)).toCompletableFuture().join();
        assertThat(hdelCalls()).as("the lease's fields deleted").isEqualTo(hdels + 1);
        assertThat(store.fill(key, lease, json("{\"old\":true}")).toCompletableFuture().join()).as("the voided lease's fill").isFalse();
    }

    private long hdelCalls() {
        String stats = connector.commands().info("commandstats").toCompletableFuture().join();
        Matcher calls = HDEL_CALLS.matcher(stats);
        return calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }

    @Test
    void replace_writesTheNewImageOverACachedValue_inOneStep_withoutAskingForAReWarm() {
        CacheKey key = keys.key(product, Map.of("id", 11L));
        assertThat(store.write(key, V1, json("{\"v\":1}")).toCompletableFuture().join()).isTrue();

        CacheStore.Invalidation replaced = store.replace(key, V2, json("{\"v\":2}")).toCompletableFuture().join();

        assertThat(replaced.applied()).isTrue();
        assertThat(replaced.warm()).isFalse();
        assertThat(read(key)).isInstanceOfSatisfying(ReadResult.Hit.class, hit -> {
            assertThat(hit.version()).isEqualTo(V2);
            assertThat(new String(hit.value(), StandardCharsets.UTF_8)).isEqualTo("{\"v\":2}");
        });
        assertThat(store.cachedKeys(product).toCompletableFuture().join()).as("registered for a whole-view invalidation").contains(key);
    }

    @Test
    void replace_keepsTheExpiryOfTheValueItReplaces_whileAKeyThatHeldNoValueGetsTheFullTtl() {
        CacheKey cached = keys.key(product, Map.of("id", 14L));
        assertThat(store.write(cached, V1, json("{\"v\":1}")).toCompletableFuture().join()).isTrue();
        byte[] cachedKey = cached.redisKey().getBytes(StandardCharsets.UTF_8);
        connector.commands().pexpire(cachedKey, 100_000).toCompletableFuture().join(); // filled long ago: 100 s left of its hour

        assertThat(store.replace(cached, V2, json("{\"v\":2}")).toCompletableFuture().join().applied()).isTrue();

        assertThat(connector.commands().pttl(cachedKey).toCompletableFuture().join()).as("the ttl counts from the fill")
                .isBetween(1L, 100_000L);

        CacheKey pending = keys.key(product, Map.of("id", 15L));
        assertThat(store.write(pending, V1, json("{\"v\":1}")).toCompletableFuture().join()).isTrue();
        assertThat(store.invalidate(pending, V2).toCompletableFuture().join().warm()).as("a re-warm is pending").isTrue();
        byte[] pendingKey = pending.redisKey().getBytes(StandardCharsets.UTF_8);
        assertThat(connector.commands().pttl(pendingKey).toCompletableFuture().join()).as("only the tombstone is left")
                .isLessThanOrEqualTo(Duration.ofSeconds(60).toMillis());

        byte[] registry = keys.registry(product).getBytes(StandardCharsets.UTF_8);
        long now = System.currentTimeMillis();
        connector.commands().zadd(registry, now + 120_000, pendingKey).toCompletableFuture().join(); // its entry ends with the tombstone

        assertThat(store.replace(pending, V3, json("{\"v\":3}")).toCompletableFuture().join().applied()).isTrue();

        assertThat(connector.commands().pttl(pendingKey).toCompletableFuture().join()).as("a new value: the view's hour")
                .isGreaterThan(Duration.ofMinutes(59).toMillis());
        assertThat(connector.commands().zscore(registry, pendingKey).toCompletableFuture().join()).as("registered until after it")
                .isGreaterThan(now + Duration.ofMinutes(59).toMillis());
    }

    @Test
    void replace_ofAKeyNobodyCached_onlyInvalidates_soAnOlderFillIsStillRefused() {
        CacheKey key = keys.key(product, Map.of("id", 12L));

        assertThat(store.replace(key, V2, json("{\"v\":2}")).toCompletableFuture().join().applied()).isFalse();
        assertThat(store.cachedKeys(product).toCompletableFuture().join()).as("the registry holds only keys with values").doesNotContain(key);

        assertThat(read(key)).as("nothing cached: the reader takes the lease").isInstanceOfSatisfying(ReadResult.Leased.class,
                lease -> assertThat(lease.fillVersion()).isEqualTo(V2));
        assertThat(store.write(key, V1, json("{\"v\":1}")).toCompletableFuture().join()).isFalse();
    }

    @Test
    void replace_withAnImageOlderThanTheKeysTombstone_changesNothing_andVoidsAnEarlierLease() {
        CacheKey key = keys.key(product, Map.of("id", 13L));
        assertThat(store.write(key, V1, json("{\"v\":1}")).toCompletableFuture().join()).isTrue();
        store.invalidate(key, V3).toCompletableFuture().join();
        var lease = (ReadResult.Leased) read(key);

        assertThat(store.replace(key, V2, json("{\"v\":2}")).toCompletableFuture().join().applied()).as("a replayed older change")
                .isFalse();
        assertThat(store.fill(key, lease, json("{\"v\":3}")).toCompletableFuture().join()).as("the lease is still good").isTrue();

        var second = store.invalidate(key, new Version(0x400)).toCompletableFuture().join();
        assertThat(second.applied()).isTrue();
        var leaseBeforeChange = (ReadResult.Leased) read(key);
        assertThat(store.replace(key, new Version(0x500), json("{\"v\":5}")).toCompletableFuture().join().applied())
                .as("a pending re-warm counts as cached").isTrue();
        assertThat(store.fill(key, leaseBeforeChange, json("{\"v\":4}")).toCompletableFuture().join())
                .as("a fill that read the row before the change is refused").isFalse();
        assertThat(read(key)).isInstanceOfSatisfying(ReadResult.Hit.class, hit -> assertThat(hit.version()).isEqualTo(new Version(0x500)));
    }

    @Test
    void outOfOrderWarm_anOlderVersionNeverReplacesANewerOne() {
        CacheKey key = keys.key(product, Map.of("id", 2L));
        store.invalidate(key, V3).toCompletableFuture().join();
        assertThat(store.write(key, V3, json("{\"v\":3}")).toCompletableFuture().join()).isTrue();
        assertThat(store.write(key, V1, json("{\"v\":1}")).toCompletableFuture().join()).isFalse();
        assertThat(store.write(key, V2, json("{\"v\":2}")).toCompletableFuture().join()).isFalse();
        assertThat(read(key)).isInstanceOfSatisfying(ReadResult.Hit.class, hit -> assertThat(hit.version()).isEqualTo(V3));
    }

    @Test
    void replayedInvalidation_olderThanTheCachedValue_isANoOp() {
        CacheKey key = keys.key(product, Map.of("id", 3L));
        store.write(key, V2, json("{\"v\":2}")).toCompletableFuture().join();
        CacheStore.Invalidation replayed = store.invalidate(key, V2).toCompletableFuture().join();
        assertThat(replayed.applied()).isFalse();
        assertThat(read(key)).isInstanceOf(ReadResult.Hit.class);
        CacheStore.Invalidation newer = store.invalidate(key, V3).toCompletableFuture().join();
        assertThat(newer.applied()).isTrue();
        assertThat(newer.warm()).as("it was cached, so it is re-warmed").isTrue();
        assertThat(read(key)).isInstanceOf(ReadResult.Leased.class);
    }

    @Test
    void groupInvalidation_removesExactlyTheGroupsKeys_andRefusesLateWritesToNewMembers() {
        CacheKey page1 = keys.key(listing, Map.of("category_id", 3L, "page", 1));
        CacheKey page2 = keys.key(listing, Map.of("category_id", 3L, "page", 2));
        CacheKey other = keys.key(listing, Map.of("category_id", 4L, "page", 1));
        for (CacheKey key : List.of(page1, page2, other)) {
            store.write(key, V1, json("[]")).toCompletableFuture().join();
        }

        List<CacheKey> toWarm = store.invalidateGroup(listing, keys.group(listing, Map.of("category_id", 3L)), V2)
                .toCompletableFuture().join();

        assertThat(toWarm).containsExactlyInAnyOrder(page1, page2);
        assertThat(read(other)).isInstanceOf(ReadResult.Hit.class);
        CacheKey page9 = keys.key(listing, Map.of("category_id", 3L, "page", 9));
        assertThat(store.write(page9, V1, json("[]")).toCompletableFuture().join())
                .as("a load from before the group's invalidation").isFalse();
        assertThat(store.write(page9, V2, json("[]")).toCompletableFuture().join()).isTrue();
    }

    @Test
    void aGroupChangedAgainBeforeItsPagesWereReWarmed_asksForThemAgain_atTheNewerVersion() {
        CacheKey page1 = keys.key(listing, Map.of("category_id", 5L, "page", 1));
        store.write(page1, V1, json("[]")).toCompletableFuture().join();
        KeyGroup group = keys.group(listing, Map.of("category_id", 5L));
        assertThat(store.invalidateGroup(listing, group, V2).toCompletableFuture().join()).containsExactly(page1);

        // The re-warm for V2 has not happened (or was refused) when the next change lands.
        assertThat(store.invalidateGroup(listing, group, V3).toCompletableFuture().join())
                .as("still pending, so asked for again").containsExactly(page1);
        assertThat(store.write(page1, V2, json("[]")).toCompletableFuture().join()).as("the V2 warm, late").isFalse();
        assertThat(store.write(page1, V3, json("[1]")).toCompletableFuture().join()).isTrue();
        assertThat(store.invalidateGroup(listing, group, new Version(0x400)).toCompletableFuture().join()).containsExactly(page1);
    }

    @Test
    void warmPolicyRead_reWarmsOnlyValuesAReaderWasServedSinceTheKeysLastChange(@TestNamespace.PerMethod TestNamespace namespace) {
        ViewCatalog readCatalog = ViewsFile.parse("read-views.yaml", """
                views:
                  pages:
                    key: c:{category_id}:page:{page}
                    params: {category_id: long, page: int}
                    sql: SELECT * FROM products WHERE category_id = :category_id LIMIT 20 OFFSET (:page - 1) * 20
                    result: list
                    warm: read
                    sources:
                      - table: products
                        bind: {category_id: category_id}
                  item:
                    key: item:{id}
                    params: {id: long}
                    sql: SELECT * FROM products WHERE id = :id
                    warm: read
                    sources:
                      - table: products
                        bind: {id: id}
                """);
        var readKeys = new KeySpace(namespace.keyPrefix() + "r:", readCatalog);
        var readStore = new CacheStore(connector, readKeys, new CacheConfig(true, "unused", Duration.ofSeconds(2), Duration.ofSeconds(60)),
                Clock.systemUTC(), RandomGenerator.getDefault());
        ViewDefinition pages = readCatalog.view("pages").orElseThrow();
        CacheKey read = readKeys.key(pages, Map.of("category_id", 1L, "page", 1));
        CacheKey unread = readKeys.key(pages, Map.of("category_id", 1L, "page", 2));
        KeyGroup group = readKeys.group(pages, Map.of("category_id", 1L));
        readStore.write(read, V1, json("[1]")).toCompletableFuture().join();
        readStore.write(unread, V1, json("[2]")).toCompletableFuture().join();
        assertThat(readStore.read(read).toCompletableFuture().join()).isInstanceOf(ReadResult.Hit.class);

        assertThat(readStore.invalidateGroup(pages, group, V2).toCompletableFuture().join())
                .as("only the page a reader was served").containsExactly(read);
        assertThat(readStore.read(unread).toCompletableFuture().join()).as("dropped, for its next reader to fill")
                .isInstanceOf(ReadResult.Leased.class);

        assertThat(readStore.write(read, V2, json("[1, 1]")).toCompletableFuture().join()).isTrue();
        assertThat(readStore.invalidateGroup(pages, group, V3).toCompletableFuture().join())
                .as("re-warmed, then changed again before anyone read it").isEmpty();

        CacheKey item = readKeys.key(readCatalog.view("item").orElseThrow(), Map.of("id", 7L));
        readStore.write(item, V1, json("{}")).toCompletableFuture().join();
        assertThat(readStore.invalidate(item, V2).toCompletableFuture().join().warm()).as("written, never read").isFalse();
        ReadResult.Leased lease = (ReadResult.Leased) readStore.read(item).toCompletableFuture().join();
        assertThat(readStore.fill(item, lease, json("{\"v\":2}")).toCompletableFuture().join()).isTrue();
        assertThat(readStore.invalidate(item, V3).toCompletableFuture().join().warm()).as("filled by a reader").isTrue();
        assertThat(readStore.invalidate(item, new Version(0x400)).toCompletableFuture().join().warm())
                .as("its re-warm still pending").isTrue();
        // A reader fills the key before the warmer's write of the same change lands: the write keeps the
        // mark (the reader's later reads may all come from an API's near cache).
        ReadResult.Leased again = (ReadResult.Leased) readStore.read(item).toCompletableFuture().join();
        assertThat(readStore.fill(item, again, json("{\"v\":4}")).toCompletableFuture().join()).isTrue();
        assertThat(readStore.write(item, new Version(0x400), json("{\"v\":4}")).toCompletableFuture().join()).isTrue();
        assertThat(readStore.invalidate(item, new Version(0x500)).toCompletableFuture().join().warm())
                .as("read since the last change, whatever wrote the value after").isTrue();

        CacheKey cachedView = keys.key(product, Map.of("id", 7L));
        store.write(cachedView, V1, json("{}")).toCompletableFuture().join();
        assertThat(read(cachedView)).isInstanceOf(ReadResult.Hit.class);
        assertThat(connector.commands().hget(json(cachedView.redisKey()), json("r")).toCompletableFuture().join())
                .as("a view on another policy pays for no mark").isNull();
    }

    @Test
    void wholeViewInvalidation_reachesEveryKeyThroughTheRegistry() {
        CacheKey a = keys.key(product, Map.of("id", 10L));
        CacheKey b = keys.key(product, Map.of("id", 11L));
        store.write(a, V1, json("{}")).toCompletableFuture().join();
        store.write(b, V1, json("{}")).toCompletableFuture().join();

        List<CacheKey> toWarm = store.invalidateView(product, V2).toCompletableFuture().join();

        assertThat(toWarm).containsExactlyInAnyOrder(a, b);
        assertThat(read(a)).isInstanceOf(ReadResult.Leased.class);
    }

    @Test
    void notFoundIsCachedToo_withTheNegativeTtl() {
        CacheKey key = keys.key(product, Map.of("id", 404L));
        var lease = (ReadResult.Leased) read(key);
        assertThat(store.fill(key, lease, new byte[0]).toCompletableFuture().join()).isTrue();
        assertThat(read(key)).isInstanceOfSatisfying(ReadResult.Hit.class, hit -> assertThat(hit.value()).isEmpty());
        assertThat(store.ttl(product, new byte[0])).isLessThanOrEqualTo(product.negativeTtl().multipliedBy(2));
    }
}
