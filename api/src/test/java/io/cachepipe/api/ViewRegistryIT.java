package io.cachepipe.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.examples.ExampleSchema;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.RedisConnector;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The view registry against real Redis: it keeps about the live keys, not every key ever cached. */
@WithDevStack
class ViewRegistryIT {

    @Test
    void registryOfAView_dropsExpiredNotFoundEntries_asNewKeysAreRegistered(DevStack stack, TestNamespace namespace) throws Exception {
        ViewCatalog catalog = ViewsFile.load(ExampleSchema.CATALOG.viewsLocation());
        ViewDefinition product = catalog.view("product").orElseThrow();
        var clock = new MovableClock();
        try (RedisConnector redis = RedisConnector.connect(new RedisConfig(URI.create(stack.redis().uri()), List.of(),
                namespace.keyPrefix(), Duration.ofMillis(500)))) {
            var keys = new KeySpace(namespace.keyPrefix(), catalog);
            var store = new CacheStore(redis, keys, new CacheConfig(true, "unused", Duration.ofSeconds(2), Duration.ofSeconds(60)),
                    clock, new Random(42));
            byte[] registry = keys.registry(product).getBytes(StandardCharsets.UTF_8);

            for (long id = 1_000_001; id <= 1_000_300; id++) { // made-up ids: cached "not found" entries (negative TTL 1m)
                store.write(keys.key(product, Map.of("id", id)), Version.ofPgLsn("0/1"), new byte[0]).toCompletableFuture().join();
            }
            assertThat(redis.commands().zcard(registry).get()).isEqualTo(300);

            clock.advance(Duration.ofHours(2)); // every one of them has expired, tombstone included
            for (long id = 2_000_001; id <= 2_000_300; id++) {
                store.write(keys.key(product, Map.of("id", id)), Version.ofPgLsn("0/1"), new byte[0]).toCompletableFuture().join();
            }
            assertThat(redis.commands().zcard(registry).get()).as("the 300 expired members are pruned, the new ones kept")
                    .isLessThanOrEqualTo(300).isGreaterThan(0);
            assertThat(redis.commands().zscore(registry, keys.key(product, Map.of("id", 2_000_300L)).redisKey()
                    .getBytes(StandardCharsets.UTF_8)).get()).isNotNull();
        }
    }

    /** A clock the test moves; the store scores and prunes its registry by it. */
    private static final class MovableClock extends Clock {
        private volatile Instant now = Instant.now();

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
