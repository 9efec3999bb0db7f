package io.cachepipe.invalidator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.ChangeOp;
import io.cachepipe.core.change.TableName;
import io.cachepipe.core.change.Version;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batching and the commit barrier, with an applier that the test holds and releases. */
class RedisEffectsTest {
    private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger flushes = new AtomicInteger();
    private final RedisEffects.Applier held = new RedisEffects.Applier() {
        @Override
        public boolean applyUntilDone(List<? extends EffectBatch.Item> items) {
            batchSizes.add(items.size());
            try {
                return release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return false;
            }
        }

        @Override
        public void flushWarmRequests() {
            flushes.incrementAndGet();
        }

        @Override
        public void close() {
        }
    };
    private RedisEffects effects;

    @AfterEach
    void close() {
        release.countDown();
        effects.close();
    }

    private void submit(long version) {
        var event = new ChangeEvent(new TableName("public", "products"), ChangeOp.UPDATE, null, null, null, new Version(version), version, 0);
        effects.submit(event, List.of(), new RecordSource("t", 0, version, null, null, 0));
    }

    @Test
    void whatArrivesWhileABatchIsInRedis_goesTogetherInTheNextOne() {
        effects = new RedisEffects(RowImages.NONE, held, Duration.ofSeconds(10), new SimpleMeterRegistry());
        effects.start();
        submit(1);
        await().until(() -> batchSizes.size() == 1);

        for (int i = 2; i <= 50; i++) {
            submit(i);
        }
        release.countDown();

        await().untilAsserted(() -> assertThat(batchSizes).containsExactly(1, 49));
        assertThat(effects.newest()).isEqualTo(new Version(50));
    }

    @Test
    void theCommitBarrier_waitsUntilEverythingHandedOverIsApplied_thenFlushesTheWarmRequests() throws Exception {
        effects = new RedisEffects(RowImages.NONE, held, Duration.ofSeconds(10), new SimpleMeterRegistry());
        effects.start();
        submit(1);
        submit(2);
        var barrier = Thread.ofPlatform().start(effects::awaitApplied);

        assertThat(barrier.join(Duration.ofMillis(200))).as("held while Redis has not answered").isFalse();
        assertThat(flushes).hasValue(0);
        release.countDown();

        assertThat(barrier.join(Duration.ofSeconds(10))).isTrue();
        assertThat(flushes).hasValue(1);
    }

    @Test
    void aBarrierThatWaitsLongerThanTheRetryTime_throws_soNothingIsCommitted() {
        effects = new RedisEffects(RowImages.NONE, held, Duration.ofMillis(300), new SimpleMeterRegistry());
        effects.start();
        submit(1);

        assertThatThrownBy(effects::awaitApplied).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not applied to Redis").hasMessageContaining("uncommitted");
        assertThat(flushes).hasValue(0);
    }
}
