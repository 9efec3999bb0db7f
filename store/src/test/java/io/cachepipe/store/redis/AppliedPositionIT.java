package io.cachepipe.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.TestViews;
import io.cachepipe.devstack.RedisServer;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On a real Redis: the applied position is the newest watermark whose end offsets every partition has
 * reached; applied offsets never move back; only the newest watermarks are kept.
 */
@WithDevStack
class AppliedPositionIT {
    private RedisConnector connector;
    private CacheStore store;

    @BeforeEach
    void connect(RedisServer redis, @TestNamespace.PerMethod TestNamespace namespace) {
        connector = RedisConnector.connect(new RedisConfig(URI.create(redis.uri()), List.of(), namespace.keyPrefix(), Duration.ofSeconds(2)));
        store = new CacheStore(connector, new KeySpace(namespace.keyPrefix(), TestViews.catalog()),
                new CacheConfig(true, "unused", Duration.ofSeconds(2), Duration.ofSeconds(60)), Clock.systemUTC(), RandomGenerator.getDefault());
    }

    @AfterEach
    void disconnect() {
        connector.close();
    }

    @Test
    void theAppliedPosition_isTheNewestWatermarkWhoseEndOffsetsAreAllApplied() {
        assertThat(position()).as("nothing recorded").isEmpty();
        record(0x100, Map.of("p.public.products:0", 5L, "p.public.products:1", 2L));
        record(0x200, Map.of("p.public.products:0", 9L, "p.public.products:1", 2L));
        assertThat(position()).as("no partition applied yet").isEmpty();

        applied(Map.of("p.public.products:0", 5L));
        assertThat(position()).as("partition 1 is not there yet").isEmpty();
        applied(Map.of("p.public.products:1", 2L));
        assertThat(position()).contains(new Version(0x100));
        applied(Map.of("p.public.products:0", 3L));
        assertThat(position()).as("a replay from an older commit does not move it back").contains(new Version(0x100));
        applied(Map.of("p.public.products:0", 9L));
        assertThat(position()).contains(new Version(0x200));

        record(0x300, Map.of("p.public.products:0", 0L));
        assertThat(position()).as("a watermark of empty partitions is passed at once").contains(new Version(0x300));
    }

    @Test
    void onlyTheNewestWatermarksAreKept() {
        for (int i = 1; i <= AppliedWatermarks.KEPT + 10; i++) {
            record(i, Map.of("t:0", (long) i));
        }
        applied(Map.of("t:0", 10L));
        assertThat(position()).as("watermark 10 was dropped as one of the oldest").isEmpty();
        applied(Map.of("t:0", 11L));
        assertThat(position()).contains(new Version(11));
        assertThat(connector.commands().hlen(store.keySpace().applied().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toCompletableFuture().join()).isEqualTo(AppliedWatermarks.KEPT + 1L);
    }

    private void record(long version, Map<String, Long> ends) {
        store.recordWatermark(new Version(version), ends).toCompletableFuture().join();
    }

    private void applied(Map<String, Long> next) {
        store.markApplied(next).toCompletableFuture().join();
    }

    private Optional<Version> position() {
        return store.appliedPosition().toCompletableFuture().join();
    }
}
