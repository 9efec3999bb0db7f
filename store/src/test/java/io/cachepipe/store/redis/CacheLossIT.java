package io.cachepipe.store.redis;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.TestViews;
import io.cachepipe.core.view.ViewCatalog;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On a real Redis: a namespace that loses its keys under a watcher is recorded as lost, one that never
 * had any is not, and a rebuild of every view removes only the record of a loss noticed before it started.
 * Also what the audit relies on: how a registered key is inspected, and that a registry entry is forgotten
 * only if nobody registered it again.
 */
@WithDevStack
class CacheLossIT {
    private final ViewCatalog catalog = TestViews.catalog();
    private RedisConnector connector;
    private CacheStore store;
    private TestNamespace namespace;

    @BeforeEach
    void connect(RedisServer redis, @TestNamespace.PerMethod TestNamespace namespace) {
        this.namespace = namespace;
        connector = RedisConnector.connect(new RedisConfig(URI.create(redis.uri()), List.of(), namespace.keyPrefix(), Duration.ofSeconds(2)));
        store = new CacheStore(connector, new KeySpace(namespace.keyPrefix(), catalog),
                new CacheConfig(true, "unused", Duration.ofSeconds(2), Duration.ofSeconds(60)), Clock.systemUTC(), RandomGenerator.getDefault());
    }

    @AfterEach
    void disconnect() {
        connector.close();
    }

    @Test
    void aNamespaceEmptiedUnderTheWatcher_isRecordedLost_withWhatItsRegistriesNamed() {
        var watcher = new CacheLoss(store);
        assertThat(watcher.check()).as("a new namespace: nothing lost").isEqualTo(CacheLoss.Check.FIRST);
        write("product", Map.of("id", 1L));
        write("product", Map.of("id", 2L));
        assertThat(watcher.check()).isEqualTo(CacheLoss.Check.PRESENT);
        assertThat(recorded()).isEmpty();

        wipe();

        assertThat(watcher.check()).isEqualTo(CacheLoss.Check.LOST);
        assertThat(recorded()).hasValueSatisfying(loss -> assertThat(loss.registered()).containsEntry("product", 2L));
        assertThat(watcher.check()).as("the sentinel is set again").isEqualTo(CacheLoss.Check.PRESENT);
        assertThat(new CacheLoss(store).check()).as("another watcher starting now").isEqualTo(CacheLoss.Check.PRESENT);
    }

    @Test
    void aRebuildRemovesTheRecordOfALossBeforeItStarted_butNotOfOneDuringIt() {
        var watcher = new CacheLoss(store);
        watcher.check();
        wipe();
        watcher.check();
        var rebuild = new CacheLoss(store);

        long started = rebuild.rebuildStarting().toCompletableFuture().join();
        assertThat(rebuild.rebuilt(started).toCompletableFuture().join()).isTrue();
        assertThat(recorded()).isEmpty();

        long second = rebuild.rebuildStarting().toCompletableFuture().join();
        await().until(() -> System.currentTimeMillis() > second + 1);
        wipe();
        assertThat(watcher.check()).isEqualTo(CacheLoss.Check.LOST);
        assertThat(rebuild.rebuilt(second).toCompletableFuture().join()).as("lost during the rebuild").isFalse();
        assertThat(recorded()).isPresent();
    }

    @Test
    void aGoneKeysEntryIsForgotten_unlessItWasRegisteredAgain() {
        CacheKey gone = write("product", Map.of("id", 1L));
        CacheKey again = write("product", Map.of("id", 2L));
        var view = catalog.view("product").orElseThrow();
        List<CacheStore.Registration> entries = store.registrations(view).toCompletableFuture().join();
        assertThat(entries).extracting(CacheStore.Registration::key).containsExactlyInAnyOrder(gone, again);
        assertThat(entries).allSatisfy(entry -> assertThat(entry.valueExpiresAt()).isGreaterThan(System.currentTimeMillis()));
        connector.commands().del(bytes(gone.redisKey()), bytes(again.redisKey())).toCompletableFuture().join();
        assertThat(store.inspect(gone).toCompletableFuture().join()).isInstanceOf(Inspection.Absent.class);
        store.invalidate(write("product", Map.of("id", 3L)), new Version(0x900)).toCompletableFuture().join();
        assertThat(store.inspect(store.keySpace().key(view, Map.of("id", 3L))).toCompletableFuture().join())
                .as("only a tombstone left").isInstanceOf(Inspection.Superseded.class);

        long read = System.currentTimeMillis();
        await().until(() -> System.currentTimeMillis() > read + 1);
        write("product", Map.of("id", 2L)); // registered again, with a later score
        for (CacheStore.Registration entry : entries) {
            store.forget(entry).toCompletableFuture().join();
        }

        assertThat(store.cachedKeys(view).toCompletableFuture().join()).doesNotContain(gone).contains(again);
    }

    private CacheKey write(String view, Map<String, Object> params) {
        CacheKey key = store.keySpace().key(catalog.view(view).orElseThrow(), params);
        assertThat(store.write(key, new Version(0x100), bytes("{\"id\":" + params.values().iterator().next() + "}"))
                .toCompletableFuture().join()).isTrue();
        return key;
    }

    private java.util.Optional<CacheLoss.Loss> recorded() {
        return new CacheLoss(store).recorded().toCompletableFuture().join();
    }

    /** What a FLUSHALL does to the namespace. */
    private void wipe() {
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        do {
            var page = connector.commands().scan(cursor, io.lettuce.core.ScanArgs.Builder.matches(namespace.keyPrefix() + "*")
                    .limit(1000)).toCompletableFuture().join();
            if (!page.getKeys().isEmpty()) {
                connector.commands().del(page.getKeys().toArray(byte[][]::new)).toCompletableFuture().join();
            }
            cursor = page;
        } while (!cursor.isFinished());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
