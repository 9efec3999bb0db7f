package io.cachepipe.cdc;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.store.kafka.KafkaClients;
import io.cachepipe.store.kafka.KafkaMeters;
import io.cachepipe.store.kafka.TopicAdmin;
import io.cachepipe.store.kafka.Topics;
import io.cachepipe.store.postgres.ConnectionPool;
import io.cachepipe.store.postgres.DataSources;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.JsonByteArray;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cdc-capture process: runs Debezium's embedded PostgreSQL connector and publishes every change
 * of the captured tables to its change topic. A supervisor restarts the engine with back-off when it
 * fails (database restarted, network cut); the saved position makes each restart resume where the
 * last one stopped.
 */
public final class CdcCapture implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CdcCapture.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    /** Lifecycle, changed only by compare-and-set. */
    public enum State { CREATED, RUNNING, STOPPING, STOPPED }

    private final PostgresConfig postgres;
    private final KafkaConfig kafka;
    private final CdcConfig cdc;
    private final ViewCatalog catalog;
    private final MeterRegistry metrics;
    private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
    private final AtomicReference<@Nullable DebeziumEngine<ChangeEvent<byte[], byte[]>>> engine = new AtomicReference<>();
    private volatile CountDownLatch started = new CountDownLatch(1);
    private volatile boolean taskRunning;
    private @Nullable Producer<byte[], byte[]> producer;
    private @Nullable KafkaClientMetrics producerMetrics;
    private @Nullable ConnectionPool pool;
    private @Nullable ScheduledExecutorService scheduler;
    private @Nullable Thread supervisor;
    private @Nullable ChangePublisher publisher;
    private @Nullable SlotGuard slotGuard;

    public CdcCapture(PostgresConfig postgres, KafkaConfig kafka, CdcConfig cdc, ViewCatalog catalog, MeterRegistry metrics) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.cdc = cdc;
        this.catalog = catalog;
        this.metrics = metrics;
    }

    /** Checks the tables, creates the topics, and starts capturing in the background. */
    public void start() {
        if (!state.compareAndSet(State.CREATED, State.RUNNING)) {
            throw new IllegalStateException("cdc-capture can start once; it is " + state.get());
        }
        DebeziumPatch.warnIfShadowed(log);
        pool = DataSources.pool(postgres.withPoolSize(3), "cdc", metrics);
        try (Connection connection = pool.getConnection()) {
            PublicationGuard.refusePartitionsOfCaptured(connection, catalog.capturedTables());
            ReplicaIdentityCheck.run(connection, catalog, cdc.replicaIdentity());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot check the captured tables: " + e.getMessage(), e);
        }
        var ownTables = new OwnTables(cdc, catalog.capturedTables());
        ownTables.create(pool, postgres.user());
        SchemaChangeTrigger.ensure(pool, postgres.user());
        TopicAdmin.ensure(kafka, topics());
        var kafkaProducer = new KafkaProducer<byte[], byte[]>(producerProperties());
        producer = kafkaProducer;
        producerMetrics = KafkaMeters.of(kafkaProducer);
        producerMetrics.bindTo(metrics);
        DebeziumMetrics.bind(kafka.topicPrefix(), metrics);
        var topics = new Topics(kafka.topicPrefix());
        List<String> changeTopics = catalog.capturedTables().stream().map(topics::change).toList();
        Map<TopicPartition, Long> endsAtStart;
        try (Admin admin = TopicAdmin.admin(kafka)) {
            endsAtStart = TopicAdmin.endOffsets(admin, changeTopics);
        }
        var publicationGuard = new PublicationGuard(pool, cdc.publication(), catalog.capturedTables(), metrics);
        var watermarks = new WatermarkPublisher(topics.message(), topics.watermarks(), java.util.Set.copyOf(changeTopics), endsAtStart,
                io.cachepipe.core.json.Json.mapper(), () -> {
                    ScheduledExecutorService checks = scheduler;
                    if (checks != null) {
                        checks.execute(publicationGuard::check); // a table swapped in under a captured name comes with ALTER TABLE
                    }
                });
        BooleanSupplier stopping = () -> state.get() != State.RUNNING;
        publisher = new ChangePublisher(producer, new CommitVisibility(pool, stopping, metrics), watermarks, ownTables.topics(topics),
                new OversizedChanges(TopicAdmin.MAX_CHANGE_MESSAGE_BYTES), stopping, metrics);
        slotGuard = new SlotGuard(pool, cdc.slot(), new StoredPosition(kafka, topics.cdcOffsets(), DebeziumProperties.engineName(kafka),
                kafka.topicPrefix(), io.cachepipe.core.json.Json.mapper()), producer, topics, io.cachepipe.core.json.Json.mapper(),
                java.time.Clock.systemUTC(), metrics);
        var monitor = new SlotMonitor(pool, cdc.slot(), metrics);
        publicationGuard.check(); // before Debezium streams: it aligns the tables of a publication that exists, not its options
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, "cachepipe-cdc-checks"));
        scheduler.scheduleWithFixedDelay(monitor::measure, 0, 10, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(publicationGuard::check, 10, 10, TimeUnit.SECONDS);
        supervisor = daemon(this::superviseEngine, "cachepipe-cdc-engine");
        supervisor.start();
        log.info("cdc-capture started: slot {}, publication {}, tables {}, topics {}.*", cdc.slot(), cdc.publication(),
                catalog.capturedTables(), kafka.topicPrefix());
    }

    /** True while Debezium's task runs, i.e. changes are being captured. */
    public boolean isReady() {
        return state.get() == State.RUNNING && taskRunning;
    }

    /** Waits until the connector task has started (slot and publication exist, streaming begins). */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return started.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && isReady();
    }

    public State state() {
        return state.get();
    }

    private List<NewTopic> topics() {
        var topics = new Topics(kafka.topicPrefix());
        List<NewTopic> all = new ArrayList<>();
        for (TableName table : catalog.capturedTables()) {
            all.add(TopicAdmin.changeTopic(kafka, topics.change(table)));
        }
        all.add(TopicAdmin.watermarkTopic(kafka, topics.watermarks()));
        all.add(TopicAdmin.slotLossTopic(kafka, topics.slotLosses()));
        all.add(TopicAdmin.topic(kafka, topics.heartbeat(), 1,
                Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()))));
        // Debezium's notifications (one partition keeps their order): what cachepipe resnapshot waits on.
        all.add(TopicAdmin.topic(kafka, topics.cdcNotifications(), 1,
                Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(7).toMillis()))));
        // Debezium's offsets, made here as Kafka Connect would (one compacted partition) but with min.insync.replicas:
        // the embedded engine's offset store creates the topic without any topic settings of ours.
        all.add(TopicAdmin.topic(kafka, topics.cdcOffsets(), 1,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        return all;
    }

    private Properties producerProperties() {
        var props = KafkaClients.properties(kafka);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, kafka.topicPrefix() + "-cdc");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, (int) cdc.batching().producerLinger().toMillis());
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, cdc.batching().producerBatchBytes());
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, cdc.batching().compression().name().toLowerCase(java.util.Locale.ROOT));
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicAdmin.MAX_CHANGE_MESSAGE_BYTES);
        // Kafka down is a wait, not a failure: the producer retries, the slot keeps the WAL.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    private void superviseEngine() {
        SlotGuard slotGuard = java.util.Objects.requireNonNull(this.slotGuard);
        Duration backoff = Duration.ofMillis(250);
        while (state.get() == State.RUNNING) {
            var failure = new AtomicReference<@Nullable Throwable>();
            try {
                slotGuard.beforeStart();
            } catch (SQLException | RuntimeException e) {
                log.warn("Cannot check replication slot {} before starting Debezium: {}; trying again in {} ms", cdc.slot(),
                        Supervision.rootMessage(e), backoff.toMillis());
                if (!Supervision.pause(backoff)) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                continue;
            }
            DebeziumEngine<ChangeEvent<byte[], byte[]>> current = DebeziumEngine.create(JsonByteArray.class)
                    .using(DebeziumProperties.of(postgres, kafka, cdc, catalog.capturedTables()))
                    .using(new DebeziumEngine.ConnectorCallback() {
                        @Override
                        public void taskStarted() {
                            taskRunning = true;
                            started.countDown();
                        }

                        @Override
                        public void taskStopped() {
                            taskRunning = false;
                        }
                    })
                    .using((success, message, error) -> {
                        if (!success) {
                            failure.set(error == null ? new IllegalStateException(message) : error);
                        }
                    })
                    .notifying(publisher)
                    .build();
            engine.set(current);
            long ranFrom = System.nanoTime();
            current.run();
            taskRunning = false;
            if (state.get() != State.RUNNING) {
                return;
            }
            if (Duration.ofNanos(System.nanoTime() - ranFrom).compareTo(Duration.ofMinutes(1)) > 0) {
                backoff = Duration.ofMillis(250);
            }
            Throwable cause = failure.get();
            log.warn("Debezium engine stopped{}; restarting in {} ms", cause == null ? "" : ": " + Supervision.rootMessage(cause), backoff.toMillis());
            started = new CountDownLatch(1);
            if (!Supervision.pause(backoff)) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    @Override
    public void close() {
        if (!state.compareAndSet(State.RUNNING, State.STOPPING)) {
            state.compareAndSet(State.CREATED, State.STOPPED);
            return;
        }
        DebeziumEngine<ChangeEvent<byte[], byte[]>> current = engine.get();
        if (current != null) {
            Supervision.closeEngine(current);
        }
        if (supervisor != null) {
            try {
                supervisor.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (scheduler != null) scheduler.shutdownNow();
        if (producerMetrics != null) producerMetrics.close();
        if (producer != null) producer.close(Duration.ofSeconds(5));
        if (pool != null) pool.close();
        state.set(State.STOPPED);
        log.info("cdc-capture stopped");
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
