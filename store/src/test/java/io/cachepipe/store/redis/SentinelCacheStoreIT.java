package io.cachepipe.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.TestViews;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.devstack.RedisSentinelStack;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The store through Redis Sentinel ({@code redis-sentinel://}): it finds the master, and after the
 * master fails over it follows the new one, with every value that had reached the replica still there.
 * A master, its replica and a Sentinel, the same redis-server binary in three roles.
 */
@Tag("integration")
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SentinelCacheStoreIT {
    private final ViewCatalog catalog = TestViews.catalog();
    private final ViewDefinition product = catalog.view("product").orElseThrow();
    private RedisSentinelStack sentinel;
    private RedisConnector connector;
    private CacheStore store;
    private KeySpace keys;

    @BeforeAll
    void start() {
        sentinel = RedisSentinelStack.start(Path.of("target", "redis-sentinel"));
        var config = new RedisConfig(URI.create(sentinel.sentinelUri()), List.of(), "cp:", Duration.ofSeconds(2));
        connector = RedisConnector.connect(config);
        keys = new KeySpace("cp:", catalog);
        store = CacheStore.open(connector, "cp:", catalog, new CacheConfig(true, "unused", Duration.ofSeconds(2), Duration.ofSeconds(60)));
    }

    @AfterAll
    void stop() {
        if (connector != null) {
            connector.close();
        }
        if (sentinel != null) {
            sentinel.close();
        }
    }

    @Test
    void afterAFailover_theStoreFollowsTheNewMaster_andKeepsWhatWasReplicated() throws Exception {
        for (long id = 1; id <= 100; id++) {
            assertThat(write(id, 1)).isTrue();
        }
        // What the replica acknowledged survives its promotion.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> connector.commands().waitForReplication(1, 1_000).get(5, TimeUnit.SECONDS) == 1L);
        int before = sentinel.masterPort();

        int after = sentinel.failover();

        assertThat(after).isNotEqualTo(before);
        // Commands right after the switch may find the old connection closed; the client reconnects through the Sentinel.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> write(1, 2));
        for (long id = 2; id <= 100; id++) {
            assertThat(write(id, 2)).as("product %d written at version 2 on the new master", id).isTrue();
        }
        for (long id = 1; id <= 100; id++) {
            Optional<ReadResult.Hit> hit = store.peek(key(id)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            String expected = "{\"id\":" + id + ",\"v\":2}";
            assertThat(hit).as("product %d", id).hasValueSatisfying(value -> {
                assertThat(value.version()).isEqualTo(new Version(2));
                assertThat(new String(value.value(), StandardCharsets.UTF_8)).isEqualTo(expected);
            });
        }
        assertThat(write(1, 1)).as("the version guard holds on the new master").isFalse();
    }

    private boolean write(long id, long version) throws Exception {
        byte[] value = ("{\"id\":" + id + ",\"v\":" + version + "}").getBytes(StandardCharsets.UTF_8);
        return store.write(key(id), new Version(version), value).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private CacheKey key(long id) {
        return keys.key(product, Map.of("id", id));
    }
}
