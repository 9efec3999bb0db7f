package io.cachepipe.store.kafka;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Micrometer's Kafka binders as every part binds them: they look for Kafka metrics that appeared since (a partition
 * assigned brings its consumer lag) every {@link #REFRESH}, not every minute as Micrometer's default does, which left a
 * dashboard's lag panels empty for up to a minute after each start and rebalance. A look walks the client's metric map:
 * cheap. One daemon thread of this JVM does it for every binder.
 */
public final class KafkaMeters {
    public static final Duration REFRESH = Duration.ofSeconds(10);
    /** Shared and never shut down: a binder given a scheduler leaves it running on close. */
    public static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("cachepipe-kafka-meters").factory());

    private KafkaMeters() {
    }

    public static KafkaClientMetrics of(Producer<?, ?> producer) {
        return new KafkaClientMetrics(producer, List.of(), SCHEDULER, REFRESH);
    }

    public static KafkaClientMetrics of(Consumer<?, ?> consumer) {
        return new KafkaClientMetrics(consumer, List.of(), SCHEDULER, REFRESH);
    }
}
