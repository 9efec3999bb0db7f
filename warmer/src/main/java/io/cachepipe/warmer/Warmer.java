package io.cachepipe.warmer;

import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.WarmRequest;
import io.cachepipe.store.kafka.KafkaClients;
import io.cachepipe.store.kafka.KafkaMeters;
import io.cachepipe.store.kafka.TopicAdmin;
import io.cachepipe.store.kafka.Topics;
import io.cachepipe.store.kafka.WarmRequestSerde;
import io.cachepipe.store.postgres.BatchLoader;
import io.cachepipe.store.postgres.LoadTimer;
import io.cachepipe.store.postgres.ViewLoader;
import io.cachepipe.store.redis.CacheStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warmer process: consumes warm requests and reloads their keys. Offsets are committed only
 * after a batch's writes are done, so a crash repeats warms (harmless: they are version-guarded)
 * and never skips one. Instances in one consumer group share the warm topic's partitions.
 */
public final class Warmer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Warmer.class);

    /** Lifecycle, changed only by compare-and-set. */
    public enum State { CREATED, RUNNING, STOPPING, STOPPED }

    private final KafkaConfig kafka;
    private final WarmerConfig config;
    private final BatchWarmer batchWarmer;
    private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
    private static final Duration RESTART_PAUSE = Duration.ofSeconds(1);
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
    private final AtomicInteger restarts = new AtomicInteger();
    private volatile boolean assigned;
    private volatile @Nullable KafkaConsumer<String, WarmRequest> consumer;
    private volatile @Nullable KafkaClientMetrics consumerMetrics;
    private final MeterRegistry metrics;
    private @Nullable ExecutorService loaders;
    private @Nullable Thread poller;

    /** @param database where views are loaded from: batched queries, and one per key when a batch fails */
    public Warmer(KafkaConfig kafka, WarmerConfig config, CacheConfig cache, ViewCatalog catalog, CacheStore store,
                  DataSource database, MeterRegistry metrics, Clock clock) {
        this.kafka = kafka;
        this.config = config;
        this.metrics = metrics;
        var outcomes = new WarmOutcomes(metrics, clock, cache.tombstoneTtl().dividedBy(2));
        var single = new KeyWarmer(catalog, store, new ViewLoader(database, LoadTimer.Cause.WARM), outcomes, clock);
        this.batchWarmer = new BatchWarmer(store, new BatchLoader(database, LoadTimer.Cause.WARM), single, outcomes, clock, config.keysPerQuery());
    }

    public void start() {
        if (!state.compareAndSet(State.CREATED, State.RUNNING)) {
            throw new IllegalStateException("the warmer can start once; it is " + state.get());
        }
        var topics = new Topics(kafka.topicPrefix());
        TopicAdmin.ensure(kafka, List.of(TopicAdmin.warmTopic(kafka, topics.warm())));
        ExecutorService loadPool = Executors.newFixedThreadPool(config.loaders(), runnable -> daemon(runnable, "cachepipe-warmer-load"));
        loaders = loadPool;
        KafkaConsumer<String, WarmRequest> first = subscribe(topics.warm());
        consumer = first;
        poller = daemon(() -> pollLoop(first, loadPool), "cachepipe-warmer-poll");
        poller.start();
        log.info("Warmer started: group {}, topic {}, {} loaders", config.groupId(), topics.warm(), config.loaders());
    }

    /** True once the warmer has joined its group and owns partitions to consume. */
    public boolean isReady() {
        return state.get() == State.RUNNING && assigned;
    }

    private KafkaConsumer<String, WarmRequest> subscribe(String topic) {
        var fresh = new KafkaConsumer<>(properties(), new StringDeserializer(), new WarmRequestSerde(Json.mapper()).deserializer());
        // Kafka's consumer figures (records-lag per partition among them) follow the consumer in use.
        var figures = KafkaMeters.of(fresh);
        figures.bindTo(metrics);
        consumerMetrics = figures;
        fresh.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                assigned = true;
                log.info("Warmer assigned {}", partitions);
            }
        });
        return fresh;
    }

    /**
     * Polls, warms, commits. A failure (Kafka unreachable past the client's timeouts, a rebalance
     * that fenced the commit) does not end the warmer: the consumer is closed and a new one joins
     * after a pause, resuming from the last committed offsets, so nothing is skipped.
     */
    private void pollLoop(KafkaConsumer<String, WarmRequest> first, ExecutorService loaders) {
        String topic = new Topics(kafka.topicPrefix()).warm();
        KafkaConsumer<String, WarmRequest> current = first;
        while (state.get() == State.RUNNING) {
            try {
                while (state.get() == State.RUNNING) {
                    ConsumerRecords<String, WarmRequest> records = current.poll(Duration.ofMillis(100));
                    if (records.isEmpty()) {
                        continue;
                    }
                    warmAll(WarmBatch.newestPerKey(records), loaders);
                    try {
                        current.commitSync();
                    } catch (CommitFailedException e) {
                        // The group moved on without us (a rebalance, or `cachepipe replay --stop-consumers`
                        // removed the members): the next poll rejoins and resumes from the group's committed
                        // offsets; this batch's warm requests are consumed again, which is harmless.
                        log.warn("Warm batch not committed, rejoining the group: {}", e.getMessage());
                    }
                }
            } catch (WakeupException e) {
                if (state.get() == State.RUNNING) {
                    log.warn("Warmer woken up while running; rejoining");
                }
            } catch (RuntimeException e) {
                log.error("Warmer poll loop failed; rejoining in {} from the last committed offsets", RESTART_PAUSE, e);
            } finally {
                KafkaClientMetrics figures = consumerMetrics;
                if (figures != null) {
                    figures.close();
                }
                closeQuietly(current);
            }
            if (state.get() == State.RUNNING) {
                pauseBeforeRejoining();
                if (state.get() == State.RUNNING) {
                    assigned = false;
                    current = subscribe(topic);
                    consumer = current;
                    restarts.incrementAndGet();
                }
            }
        }
    }

    /** How often the poll loop had to start over with a new consumer. */
    public int restarts() {
        return restarts.get();
    }

    private static void closeQuietly(KafkaConsumer<String, WarmRequest> consumer) {
        try {
            consumer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.warn("Closing the warmer's consumer failed: {}", e.getMessage());
        }
    }

    private static void pauseBeforeRejoining() {
        try {
            Thread.sleep(RESTART_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void warmAll(Map<String, WarmRequest> requests, ExecutorService loaders) {
        batchWarmer.warm(requests, loaders);
    }

    private Properties properties() {
        var props = KafkaClients.properties(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.batchSize());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A crashed instance's partitions move after 10 s, not the default 45 s.
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis());
        return props;
    }

    @Override
    public void close() {
        if (!state.compareAndSet(State.RUNNING, State.STOPPING)) {
            return;
        }
        if (consumer != null) {
            consumer.wakeup();
        }
        if (poller != null) {
            try {
                poller.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (loaders != null) {
            loaders.shutdownNow();
        }
        state.set(State.STOPPED);
        log.info("Warmer stopped");
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
