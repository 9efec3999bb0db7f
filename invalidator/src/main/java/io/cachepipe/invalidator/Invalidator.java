package io.cachepipe.invalidator;

import io.cachepipe.core.change.ChangeEnvelopes;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.ChangeMapper;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.store.kafka.KafkaClients;
import io.cachepipe.store.kafka.KafkaMeters;
import io.cachepipe.store.kafka.TopicAdmin;
import io.cachepipe.store.kafka.Topics;
import io.cachepipe.store.kafka.WarmRequestSerde;
import io.cachepipe.store.redis.CacheLoss;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.SlotLossRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The invalidator process: runs {@link InvalidationTopology} on Kafka Streams. At least once: a
 * change's offset is committed only after its invalidations were applied, and every effect is
 * idempotent. A failing stream thread is replaced and resumes from the last committed offset.
 */
public final class Invalidator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Invalidator.class);
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
    /** How long one change waits for Redis before its stream thread gives up and is replaced. */
    static final Duration REDIS_RETRY = Duration.ofSeconds(20);

    private final KafkaConfig kafka;
    private final InvalidatorConfig config;
    private final ViewCatalog catalog;
    private final CacheStore store;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final @Nullable DataSource database;
    private final AtomicReference<@Nullable KafkaStreams> streams = new AtomicReference<>();
    private volatile @Nullable KafkaProducer<byte[], byte[]> producer;
    private final List<AutoCloseable> clientMetrics = new CopyOnWriteArrayList<>();
    private volatile @Nullable WarmRequests warmRequests;
    private volatile @Nullable RedisEffects effects;
    private volatile @Nullable ScheduledExecutorService restartGuard;
    private volatile @Nullable Admin admin;

    /**
     * @param database PostgreSQL, used in {@link #start()} only, to describe the views that can be
     *                 updated from row images ({@link RowImages}); null to invalidate and re-warm every view
     */
    public Invalidator(KafkaConfig kafka, InvalidatorConfig config, ViewCatalog catalog, CacheStore store,
                       MeterRegistry metrics, Clock clock, @Nullable DataSource database) {
        this.kafka = kafka;
        this.database = database;
        this.config = config;
        this.catalog = catalog;
        this.store = store;
        this.metrics = metrics;
        this.clock = clock;
    }

    public void start() {
        var topics = new Topics(kafka.topicPrefix());
        List<String> changeTopics = catalog.capturedTables().stream().map(topics::change).toList();
        TopicAdmin.ensure(kafka, topicsToEnsure(topics, changeTopics));
        var json = Json.mapper();
        RowImages rowImages = config.rowImages() && database != null ? RowImages.detect(catalog, database) : RowImages.NONE;
        var kafkaProducer = new KafkaProducer<>(producerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
        producer = kafkaProducer;
        bindMetrics(KafkaMeters.of(kafkaProducer));
        warmRequests = new WarmRequests(producer, topics.warm(), new WarmRequestSerde(json).serializer(), holding(), metrics);
        var applier = new BatchApplier(store, warmRequests, producer, topics.deadLetter(), metrics, clock);
        var effects = new RedisEffects(rowImages, applier, REDIS_RETRY, metrics);
        this.effects = effects;
        effects.start();
        var guard = new RedisRestartGuard(store, effects::newest, metrics);
        guard.check();
        restartGuard = Executors.newSingleThreadScheduledExecutor(runnable -> Thread.ofPlatform().daemon()
                .name("cachepipe-redis-restart-guard").unstarted(runnable));
        restartGuard.scheduleWithFixedDelay(guard::check, 1, 1, TimeUnit.SECONDS);
        restartGuard.scheduleWithFixedDelay(new EvictionPolicyWatch(store)::check, 0, 1, TimeUnit.MINUTES);
        var loss = new CacheLoss(store);
        loss.check();
        restartGuard.scheduleWithFixedDelay(() -> {
            if (loss.check() == CacheLoss.Check.LOST) {
                log.warn("Redis lost the entries of namespace {} (its sentinel key is gone): recorded for `cachepipe audit`; "
                        + "`cachepipe rebuild` refills every view", store.keySpace().namespace());
            }
        }, 1, 1, TimeUnit.SECONDS);
        Admin kafkaAdmin = TopicAdmin.admin(kafka);
        admin = kafkaAdmin;
        var committed = new CommittedOffsets(kafkaAdmin, config.applicationId(), Set.copyOf(changeTopics), store);
        restartGuard.scheduleWithFixedDelay(committed::copy, 0, 1, TimeUnit.SECONDS);
        Topology topology = InvalidationTopology.build(changeTopics, topics.watermarks(), topics.deadLetter(), new ChangeEnvelopes(json),
                new ChangeMapper(catalog), effects, new SlotLossFlush(new EveryViewFlush(store), effects::newest,
                        new SlotLossRecord(store, json), metrics), new SchemaChangeFlush(new EveryViewFlush(store), catalog, effects::newest, metrics),
                metrics);
        var kafkaStreams = new KafkaStreams(topology, properties(), new CommitBarrier(effects));
        kafkaStreams.setUncaughtExceptionHandler(error -> {
            log.error("Stream thread failed; replacing it, it resumes from the last committed offset", error);
            metrics.counter(MetricNames.INVALIDATOR_THREAD_REPLACEMENTS).increment();
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        bindMetrics(new KafkaStreamsMetrics(kafkaStreams, List.of(), KafkaMeters.SCHEDULER, KafkaMeters.REFRESH));
        kafkaStreams.setStateListener((now, before) -> log.info("Invalidator streams {} -> {}", before, now));
        if (!streams.compareAndSet(null, kafkaStreams)) {
            throw new IllegalStateException("the invalidator can start once");
        }
        kafkaStreams.start();
        log.info("Invalidator started: application {}, {} change topics, warm requests to {}", config.applicationId(),
                changeTopics.size(), topics.warm());
    }

    /** Warm requests are held per key for a window; those of refresh views, whose readers are served stale meanwhile, are paced. */
    private WarmRequests.Holding holding() {
        Set<String> refreshViews = catalog.views().stream().filter(view -> view.onChange() == ViewDefinition.ChangeMode.REFRESH)
                .map(ViewDefinition::name).collect(Collectors.toSet());
        return new WarmRequests.Holding(config.coalesceWindow(), config.rewarmInterval(), refreshViews);
    }

    /**
     * Sends the warm requests held for coalescing and waits until Kafka has answered every one sent so
     * far: once the applied position has passed a watermark, the warm requests of every change before
     * it are in the warm topic (a batch asks for its re-warms before it records its offsets applied).
     * A refusal is not reported here but by the commit it fails, as always.
     */
    public void awaitWarmRequestsSent() {
        WarmRequests current = warmRequests;
        if (current != null) {
            current.awaitSent();
        }
    }

    public boolean isReady() {
        KafkaStreams current = streams.get();
        return current != null && current.state() == KafkaStreams.State.RUNNING;
    }

    /** Kafka's own client figures (producer, consumers, Streams: records, lag, latency) on {@code /metrics}. */
    private <B extends MeterBinder & AutoCloseable> void bindMetrics(B binder) {
        binder.bindTo(metrics);
        clientMetrics.add(binder);
    }

    private static void closeQuietly(@Nullable AutoCloseable part) {
        if (part == null) {
            return;
        }
        try {
            part.close();
        } catch (Exception e) {
            log.warn("Closing {} failed: {}", part.getClass().getSimpleName(), e.getMessage());
        }
    }

    private List<NewTopic> topicsToEnsure(Topics topics, List<String> changeTopics) {
        List<NewTopic> all = new ArrayList<>();
        changeTopics.forEach(name -> all.add(TopicAdmin.changeTopic(kafka, name)));
        all.add(TopicAdmin.warmTopic(kafka, topics.warm()));
        all.add(TopicAdmin.deadLetterTopic(kafka, topics.deadLetter()));
        all.add(TopicAdmin.watermarkTopic(kafka, topics.watermarks()));
        return all;
    }

    private Properties properties() {
        var props = KafkaClients.properties(kafka);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.threads());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.replicationFactor());
        // Its internal topics (changelogs, repartitions) follow the rule of the topics cachepipe creates itself.
        props.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), Integer.toString(TopicAdmin.minInSyncReplicas(kafka)));
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        // Changes of different tables need no time synchronisation (every effect is version-guarded):
        // never hold a record back waiting for the other change topics' partitions of the same task.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        // Its sink is the dead-letter topic, which takes a change as it was read.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), TopicAdmin.MAX_CHANGE_MESSAGE_BYTES);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // A crashed instance's partitions move after 10 s, not the default 45 s.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) SESSION_TIMEOUT.toMillis());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG),
                (int) REDIS_RETRY.multipliedBy(6).toMillis());
        return props;
    }

    /** Warm requests and dead letters: sent by the applier, not through the topology (see {@link InvalidationTopology}). */
    private Properties producerProperties() {
        var props = KafkaClients.properties(kafka);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-effects");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicAdmin.MAX_CHANGE_MESSAGE_BYTES);
        return props;
    }

    @Override
    public void close() {
        if (restartGuard != null) {
            restartGuard.shutdownNow();
        }
        closeQuietly(admin);
        KafkaStreams current = streams.getAndSet(null);
        if (current != null) {
            // Leave the group now: otherwise a replacement waits out the session timeout for the
            // partitions this instance held, and `cachepipe replay` finds the group still active.
            current.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
            log.info("Invalidator stopped");
        }
        clientMetrics.forEach(Invalidator::closeQuietly);
        // After the streams: their last commits wait for these to apply what was handed over.
        closeQuietly(effects);
        closeQuietly(warmRequests);
        KafkaProducer<byte[], byte[]> sender = producer;
        if (sender != null) {
            sender.close(Duration.ofSeconds(10));
        }
    }
}
