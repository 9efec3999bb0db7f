package io.cachepipe.invalidator;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.TestViews;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.DataOrigin;
import io.cachepipe.store.redis.ReadResult;
import io.cachepipe.store.redis.RedisConnector;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * A real Redis under the guard. Coming back empty needs nothing. Data the server did not write itself
 * (loaded from a snapshot written before the last invalidations, or with no server on record) has
 * every value dropped, at every check: the first one of a guard that never saw the earlier server too.
 */
@WithDevStack
class RedisRestartGuardIT {
    private static final ViewCatalog CATALOG = TestViews.catalog();
    private static final Version NEWEST = new Version(0x5000);

    @Test
    void aFreshNamespace_isRecorded_entriesWrittenUnderTheSameServerStay_evenIfTheRecordIsWiped_anEmptyRestartNeedsNothing(DevStack stack,
            @TestNamespace.PerMethod TestNamespace namespace) {
        try (var redis = connect(stack, namespace)) {
            CacheStore store = store(redis, namespace);
            var guard = new RedisRestartGuard(store, () -> NEWEST, new SimpleMeterRegistry());
            assertThat(guard.check()).isEqualTo(RedisRestartGuard.Action.EMPTY);
            assertThat(guard.check()).isEqualTo(RedisRestartGuard.Action.UNCHANGED);
            CacheKey key = product(store, 1);
            write(store, key, 0x4000, "{\"id\":1}");
            assertThat(guard.check()).isEqualTo(RedisRestartGuard.Action.UNCHANGED);
            assertThat(new RedisRestartGuard(store, () -> Version.ZERO, new SimpleMeterRegistry()).check())
                    .as("another invalidator starting on the same server").isEqualTo(RedisRestartGuard.Action.UNCHANGED);
            assertThat(store.peek(key).toCompletableFuture().join()).isPresent();

            // The record wiped (a FLUSHALL, an eviction) while the same server runs: what it holds now it wrote itself.
            store.connector().commands().del(store.keySpace().origin().getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join();
            assertThat(guard.check()).isEqualTo(RedisRestartGuard.Action.RECORDED_AGAIN);
            assertThat(store.peek(key).toCompletableFuture().join()).isPresent();
            assertThat(guard.check()).isEqualTo(RedisRestartGuard.Action.UNCHANGED);

            restart(stack, store);
            assertThat(guard.check()).isEqualTo(RedisRestartGuard.Action.EMPTY);
            assertThat(guard.check()).isEqualTo(RedisRestartGuard.Action.UNCHANGED);
        }
    }

    @Test
    void aSnapshotRestoredWhileNoGuardWatched_isFlushedAtTheFirstCheck_andNothingOlderCanComeBack(DevStack stack,
            @TestNamespace.PerMethod TestNamespace namespace) {
        try (var redis = connect(stack, namespace)) {
            CacheStore store = store(redis, namespace);
            assertThat(new RedisRestartGuard(store, () -> NEWEST, new SimpleMeterRegistry()).check())
                    .isEqualTo(RedisRestartGuard.Action.EMPTY);
            CacheKey product = product(store, 1);
            CacheKey page = store.keySpace().key(CATALOG.view("category-products").orElseThrow(), Map.of("category_id", 3L, "page", 1));
            write(store, product, 0x4000, "{\"id\":1,\"price\":1}");
            write(store, page, 0x4000, "[{\"id\":1,\"price\":1}]");
            saveAndRestartFromIt(stack, store, () -> {
                // After the snapshot: the changes that the restore will lose.
                store.invalidate(product, new Version(0x4800)).toCompletableFuture().join();
                store.invalidateGroup(page.view(), page.group(), new Version(0x4800)).toCompletableFuture().join();
            });
            assertThat(store.peek(product).toCompletableFuture().join()).as("restored").isPresent();
            assertThat(store.peek(page).toCompletableFuture().join()).as("restored").isPresent();

            // A guard that never saw the server before the restart: an invalidator started after it.
            var registry = new SimpleMeterRegistry();
            var guard = new RedisRestartGuard(store, () -> Version.ZERO, registry);
            assertThat(guard.check()).isEqualTo(RedisRestartGuard.Action.FLUSHED);
            assertThat(registry.counter(MetricNames.INVALIDATOR_REDIS_RESTARTS, "action", "flushed").count())
                    .isEqualTo(1);
            assertThat(store.peek(product).toCompletableFuture().join()).isEmpty();
            assertThat(store.peek(page).toCompletableFuture().join()).isEmpty();
            assertThat(write(store, product, 0x3fff, "{}")).as("a late write older than the restored value").isFalse();
            assertThat(store.read(product).toCompletableFuture().join())
                    .as("a read fills at the restored value's version: a change committed after the flush is above it")
                    .isInstanceOfSatisfying(ReadResult.Leased.class, lease -> assertThat(lease.fillVersion()).isEqualTo(new Version(0x4000)));
            assertThat(guard.check()).isEqualTo(RedisRestartGuard.Action.UNCHANGED);
        }
    }

    /** What a guard that never watched the server cannot tell from a restore of data older than the record. */
    @Test
    void entriesWithNoServerOnRecord_areFlushed(DevStack stack, @TestNamespace.PerMethod TestNamespace namespace) {
        try (var redis = connect(stack, namespace)) {
            CacheStore store = store(redis, namespace);
            CacheKey key = product(store, 2);
            write(store, key, 0x4000, "{\"id\":2}");
            assertThat(new RedisRestartGuard(store, () -> Version.ZERO, new SimpleMeterRegistry()).check())
                    .isEqualTo(RedisRestartGuard.Action.FLUSHED);
            assertThat(store.peek(key).toCompletableFuture().join()).isEmpty();
        }
    }

    @Test
    void aRestartUnderTheGuard_raisesTombstonesToTheNewestAppliedVersion(DevStack stack,
            @TestNamespace.PerMethod TestNamespace namespace) {
        try (var redis = connect(stack, namespace)) {
            CacheStore store = store(redis, namespace);
            var guard = new RedisRestartGuard(store, () -> NEWEST, new SimpleMeterRegistry());
            assertThat(guard.check()).isEqualTo(RedisRestartGuard.Action.EMPTY);
            String before = new DataOrigin(store).recorded().toCompletableFuture().join().orElseThrow();

            restart(stack, store);
            // What a snapshot from before the last invalidations would bring back: an older value, an older server's run id.
            CacheKey key = product(store, 1);
            write(store, key, 0x4000, "{\"id\":1,\"price\":1}");
            new DataOrigin(store).record(before).toCompletableFuture().join();
            assertThat(guard.check()).isEqualTo(RedisRestartGuard.Action.FLUSHED);

            assertThat(store.peek(key).toCompletableFuture().join()).isEmpty();
            assertThat(write(store, key, 0x4fff, "{}")).as("a late write from before the newest change applied").isFalse();
            assertThat(guard.check()).isEqualTo(RedisRestartGuard.Action.UNCHANGED);
        }
    }

    private static RedisConnector connect(DevStack stack, TestNamespace namespace) {
        return RedisConnector.connect(new RedisConfig(URI.create(stack.redis().uri()), List.of(), namespace.keyPrefix(),
                Duration.ofSeconds(2)));
    }

    private static CacheStore store(RedisConnector redis, TestNamespace namespace) {
        return new CacheStore(redis, new KeySpace(namespace.keyPrefix(), CATALOG),
                CacheConfig.read(Settings.of(Map.of("views.file", "test-views.yaml"))), Clock.systemUTC(), RandomGenerator.getDefault());
    }

    private static CacheKey product(CacheStore store, long id) {
        return store.keySpace().key(CATALOG.view("product").orElseThrow(), Map.of("id", id));
    }

    private static boolean write(CacheStore store, CacheKey key, long version, String value) {
        return store.write(key, new Version(version), value.getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join();
    }

    private static void restart(DevStack stack, CacheStore store) {
        stack.redis().stop();
        stack.redis().start();
        awaitReconnected(store);
    }

    /**
     * SAVE, then {@code after}, then a restart that loads the file SAVE wrote (the dev stack's Redis has
     * no save points, but loads {@code dump.rdb} from its directory); the file is deleted afterwards,
     * so that later restarts come back empty again.
     */
    private static void saveAndRestartFromIt(DevStack stack, CacheStore store, Runnable after) {
        var commands = store.connector().commands();
        Path dump = Path.of(commands.configGet("dir").toCompletableFuture().join().get("dir"))
                .resolve(commands.configGet("dbfilename").toCompletableFuture().join().get("dbfilename"));
        assertThat(commands.save().toCompletableFuture().join()).isEqualTo("OK");
        try {
            after.run();
            restart(stack, store);
        } finally {
            try {
                Files.deleteIfExists(dump);
            } catch (IOException e) {
                throw new AssertionError("could not delete " + dump + "; later Redis restarts would load it", e);
            }
        }
    }

    private static void awaitReconnected(CacheStore store) {
        await("Redis answers again").ignoreExceptions()
                .until(() -> store.serverRunId().toCompletableFuture().join().isPresent());
    }
}
