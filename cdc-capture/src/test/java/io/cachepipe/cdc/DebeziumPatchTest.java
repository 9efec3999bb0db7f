package io.cachepipe.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.connector.base.ChangeEventQueue;
import io.debezium.connector.base.DefaultQueueProvider;
import io.debezium.pipeline.DataChangeEvent;
import io.debezium.util.LoggingContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DebeziumPatchTest {
    @Test
    void theModulesOwnQueueIsTheOneLoaded() {
        assertThat(DebeziumPatch.queueInEffect()).isTrue();
    }

    /**
     * Debezium's poll() spins through the last millisecond of each interval, looking at the queue again
     * and again (hundreds of times per poll); the copy waits the interval out, looking a few times.
     */
    @Test
    void anEmptyPollWaitsOutItsIntervalInsteadOfSpinning() throws InterruptedException {
        var looks = new AtomicInteger();
        var provider = new DefaultQueueProvider<DataChangeEvent>() {
            @Override
            public int size() {
                looks.incrementAndGet();
                return super.size();
            }
        };
        provider.configure(Map.of(CommonConnectorConfig.MAX_QUEUE_SIZE.name(), "1000"));
        ChangeEventQueue<DataChangeEvent> queue = new ChangeEventQueue.Builder<DataChangeEvent>().pollInterval(Duration.ofMillis(5))
                .maxBatchSize(100).maxQueueSize(1000).queueProvider(provider).loggingContextSupplier(() -> LoggingContext.forConnector("postgresql", "test", "poll")).build();
        int polls = 20;
        long started = System.nanoTime();
        for (int i = 0; i < polls; i++) {
            assertThat(queue.poll()).isEmpty();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("each poll waits out its interval")
                .isGreaterThanOrEqualTo(Duration.ofMillis(5L * polls));
        assertThat(looks.get()).as("looks at the queue in %d polls of 5 ms", polls).isLessThanOrEqualTo(10 * polls);
    }
}
