package io.cachepipe.invalidator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.TestViews;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.RedisConnector;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * A real Redis restarted under the guard: coming back empty needs nothing; coming back with entries
 * (as from a snapshot older than the last invalidations) gets every view invalidated.
 */
@WithDevStack
class RedisRestartGuardIT {
    private static final ViewCatalog CATALOG = TestViews.catalog();

    @Test
    void aRestartThatBringsEntriesBack_invalidatesEveryView_anEmptyOneDoesNothing(DevStack stack, TestNamespace namespace) {
        try (var redis = RedisConnector.connect(new RedisConfig(URI.create(stack.redis().uri()), List.of(), namespace.keyPrefix(),
                Duration.ofSeconds(2)))) {
            var store = new CacheStore(redis, new KeySpace(namespace.keyPrefix(), CATALOG),
                    CacheConfig.read(Settings.of(Map.of("views.file", "test-views.yaml"))), Clock.systemUTC(), RandomGenerator.getDefault());
            Version newest = new Version(0x5000);
            var guard = new RedisRestartGuard(store, () -> newest, new SimpleMeterRegistry());
            CacheKey key = store.keySpace().key(CATALOG.view("product").orElseThrow(), Map.of("id", 1L));
            assertThat(guard.check()).isEqualTo(RedisRestartGuard.Action.UNCHANGED);

            stack.redis().stop();
            stack.redis().start();
            awaitReconnected(store);
            assertThat(guard.check()).isEqualTo(RedisRestartGuard.Action.RESTARTED_EMPTY);

            stack.redis().stop();
            stack.redis().start();
            awaitReconnected(store);
            // What a snapshot from before the last invalidations would bring back: an older value.
            assertThat(store.write(key, new Version(0x4000), "{\"id\":1,\"price\":1}".getBytes(StandardCharsets.UTF_8))
                    .toCompletableFuture().join()).isTrue();
            assertThat(guard.check()).isEqualTo(RedisRestartGuard.Action.FLUSHED);

            assertThat(store.peek(key).toCompletableFuture().join()).isEmpty();
            assertThat(store.write(key, new Version(0x4000), "{}".getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join())
                    .as("a late write from before the flush").isFalse();
            assertThat(guard.check()).isEqualTo(RedisRestartGuard.Action.UNCHANGED);
        }
    }

    private static void awaitReconnected(CacheStore store) {
        io.cachepipe.testsupport.Await.await().until(() -> {
            try {
                return store.serverRunId().toCompletableFuture().join().isPresent();
            } catch (RuntimeException e) {
                return false;
            }
        });
    }
}
