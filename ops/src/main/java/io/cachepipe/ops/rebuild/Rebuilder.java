package io.cachepipe.ops.rebuild;

import io.cachepipe.ops.ViewSelection;
import io.cachepipe.core.render.PlainRowView;
import io.cachepipe.store.postgres.BatchLoader;
import io.cachepipe.store.redis.OpsKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.store.redis.CacheBatch;
import io.cachepipe.store.redis.CacheLoss;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.core.change.ChangeEnvelopes;
import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.MalformedChangeException;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.json.Json;
import io.cachepipe.store.kafka.Topics;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.ParamSpec;
import io.cachepipe.core.view.SourceMapping;
import io.cachepipe.core.change.TableName;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * Fills every declared view from the compacted change topics: the latest image of every row.
 *
 * <ul>
 *   <li>A {@link PlainRowView plain row view} is rendered from the row images themselves, written
 *       with the version of the change that produced the image: no database query at all.</li>
 *   <li>Every other view (aggregates, listings) learns its keys from the row images (the sources'
 *       bindings; parameters no source binds take their declared default, so listings get their
 *       first page) and loads them from PostgreSQL with {@link BatchLoader}, many keys per query.
 *       Those values are written just below the highest version read from the topics: every change
 *       the load did not see committed later and has a version at least that high, so it still
 *       invalidates what the rebuild wrote ({@link #belowAll}).</li>
 * </ul>
 *
 * Every write is version-guarded ({@link CacheBatch#write}), so a value the live pipeline wrote meanwhile
 * is never replaced by an older one; the rebuild can run while the pipeline runs. A poll's rows go to
 * Redis as one batch, a script call per 200 rows, while the next poll is read: at most two polls are in
 * flight, so no command waits behind thousands of others. The position is checkpointed in Redis after every batch
 * ({@link OpsKeys#rebuildCheckpoint}); a rebuild that stops resumes there unless told to restart.
 */
public final class Rebuilder {
    /** What to rebuild and how. */
    public record Options(Set<String> views, int batchSize, boolean restart) {
        public Options {
            views = Set.copyOf(views);
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, was " + batchSize);
            }
        }
    }

    private static final Duration POLL = Duration.ofMillis(200);
    private static final String MAX_VERSION = "#max-version";
    private static final String DONE = "#done:";
    private static final String VIEWS = "#views";

    private final KafkaConfig kafka;
    private final ViewCatalog catalog;
    private final CacheStore store;
    private final RedisClusterAsyncCommands<byte[], byte[]> redis;
    private final DataSource dataSource;
    private final BatchLoader loader;
    private final ObjectMapper json = Json.mapper();
    private final ChangeEnvelopes envelopes = new ChangeEnvelopes(json);

    private final AtomicLong rowWrites = new AtomicLong();
    private final AtomicLong loadedWrites = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong deletes = new AtomicLong();
    private final AtomicLong imageFallbacks = new AtomicLong();
    private final WriteRetries retries = new WriteRetries();

    public Rebuilder(KafkaConfig kafka, ViewCatalog catalog, CacheStore store, RedisClusterAsyncCommands<byte[], byte[]> redis,
                     DataSource dataSource) {
        this.kafka = kafka;
        this.catalog = catalog;
        this.store = store;
        this.redis = redis;
        this.dataSource = dataSource;
        this.loader = new BatchLoader(dataSource);
    }

    public RebuildReport run(Options options, Progress progress) throws SQLException {
        long started = System.nanoTime();
        List<ViewDefinition> views = ViewSelection.select(catalog, options.views());
        String namespace = store.keySpace().namespace();
        byte[] checkpointKey = bytes(OpsKeys.rebuildCheckpoint(namespace));
        if (options.restart()) {
            clear(views);
        }
        Map<String, String> checkpoint = new HashMap<>();
        join(redis.hgetall(checkpointKey)).forEach((field, value) -> checkpoint.put(text(field), text(value)));
        String selection = String.join(",", views.stream().map(ViewDefinition::name).sorted().toList());
        List<String> notes = new ArrayList<>();
        if (!checkpoint.isEmpty() && !selection.equals(checkpoint.get(VIEWS))) {
            // A checkpoint of another selection of views skipped records these views need: start over.
            notes.add("a checkpoint of an interrupted rebuild of other views (" + checkpoint.get(VIEWS) + ") was discarded");
            clear(catalog.views());
            checkpoint.clear();
        }
        join(redis.hset(checkpointKey, bytes(VIEWS), bytes(selection)));
        boolean everyView = views.size() == catalog.views().size();
        CacheLoss loss = new CacheLoss(store);
        long startedAt = everyView ? join(loss.rebuildStarting()) : 0;

        Map<String, String> modes = new LinkedHashMap<>();
        Map<String, PlainRowView> plain = new LinkedHashMap<>();
        long schemaLookups = 0;
        try (Connection connection = dataSource.getConnection()) {
            for (ViewDefinition view : views) {
                if (PlainRowView.shape(view).isPresent()) {
                    schemaLookups++;
                    Optional<PlainRowView> detected = PlainRowView.detect(view, connection);
                    if (detected.isPresent()) {
                        plain.put(view.name(), detected.get());
                        modes.put(view.name(), "row images");
                        continue;
                    }
                }
                String unbound = unboundWithoutDefault(view);
                modes.put(view.name(), unbound == null ? "batched database reads"
                        : "skipped: parameter " + unbound + " is bound by no source and has no default, so its keys fill on read");
            }
        }

        Version maxVersion = checkpoint.containsKey(MAX_VERSION) ? Version.parse(checkpoint.get(MAX_VERSION)) : Version.ZERO;
        long records = 0;
        Set<TableName> tables = new LinkedHashSet<>();
        views.forEach(view -> view.sources().forEach(source -> tables.add(source.table())));
        Topics topics = new Topics(kafka.topicPrefix());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (TableName table : tables) {
                List<PartitionInfo> infos = consumer.partitionsFor(topics.change(table));
                if (infos == null || infos.isEmpty()) {
                    notes.add("no change topic " + topics.change(table) + " yet: nothing captured from " + table);
                    continue;
                }
                infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions);
            long total = 0;
            for (TopicPartition partition : partitions) {
                String saved = checkpoint.get(field(partition));
                long from = saved == null ? offset(begins, partition) : Math.max(offset(begins, partition), Long.parseLong(saved));
                consumer.seek(partition, from);
                total += Math.max(0, offset(ends, partition) - from);
            }
            progress.update("change topics", 0, total);
            Set<TopicPartition> open = new LinkedHashSet<>(partitions);
            open.removeIf(partition -> consumer.position(partition) >= offset(ends, partition));
            // One batch's writes are in flight while the next is read and rendered; a batch's position is
            // checkpointed only once its own writes are acknowledged. Two batches racing on one key is
            // harmless: the version guard keeps the newer value whichever lands last.
            CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);
            Batch previousBatch = null;
            Map<byte[], byte[]> previousPositions = null;
            long previousRecords = 0;
            while (!open.isEmpty()) {
                var batch = new Batch();
                Poll poll = latestPerRow(consumer.poll(POLL), ends);
                for (ConsumerRecord<byte[], byte[]> record : poll.latest()) {
                    ChangeEvent event;
                    try {
                        event = envelopes.parse(record.key(), record.value());
                    } catch (MalformedChangeException e) {
                        notes.add("skipped malformed record " + record.topic() + "/" + record.partition() + "@" + record.offset()
                                + ": " + e.getMessage());
                        continue;
                    }
                    if (event == null) {
                        continue;
                    }
                    maxVersion = maxVersion.max(event.version());
                    collect(event, views, plain, modes, batch);
                }
                records += poll.read();
                CompletableFuture<Void> current = batch.apply(namespace);
                Map<byte[], byte[]> positions = new LinkedHashMap<>();
                for (TopicPartition partition : List.copyOf(open)) {
                    long position = consumer.position(partition);
                    positions.put(bytes(field(partition)), bytes(Long.toString(Math.min(position, offset(ends, partition)))));
                    if (position >= offset(ends, partition)) {
                        open.remove(partition);
                    }
                }
                positions.put(bytes(MAX_VERSION), bytes(maxVersion.hex()));
                awaitApplied(previous, previousBatch, namespace);
                if (previousPositions != null) {
                    join(redis.hset(checkpointKey, previousPositions));
                    progress.update("change topics", previousRecords, total);
                }
                previous = current;
                previousBatch = batch;
                previousPositions = positions;
                previousRecords = records;
            }
            awaitApplied(previous, previousBatch, namespace);
            if (previousPositions != null) {
                join(redis.hset(checkpointKey, previousPositions));
                progress.update("change topics", previousRecords, total);
            }
        }

        for (ViewDefinition view : views) {
            if (plain.containsKey(view.name()) && !batchPending(namespace, view)) {
                continue;
            }
            if (java.util.Objects.requireNonNull(modes.get(view.name()), "every view was given a mode").startsWith("skipped")
                    || checkpoint.containsKey(DONE + view.name())) {
                continue;
            }
            loadFromDatabase(view, belowAll(maxVersion), namespace, options.batchSize(), progress);
            join(redis.hset(checkpointKey, bytes(DONE + view.name()), bytes("1")));
        }
        clear(views);
        if (everyView && join(loss.rebuilt(startedAt))) {
            notes.add("the record of Redis losing this namespace is removed: every view was rebuilt since");
        }
        return new RebuildReport(records, rowWrites.get(), imageFallbacks.get(), loadedWrites.get(), refused.get(), deletes.get(),
                loader.queries(), schemaLookups, retries.count(), modes, notes, Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * The version database-loaded values are written with: one below the highest version read. Every
     * change the load did not see committed after every change read, so its version is at least the
     * highest read (equal only at the edge where the first change streamed after a snapshot carries the
     * snapshot's position); one below keeps its invalidation effective even there.
     */
    static Version belowAll(Version highestRead) {
        return highestRead.lsn() > 0 ? new Version(highestRead.lsn() - 1) : Version.ZERO;
    }

    private void awaitApplied(CompletableFuture<Void> inFlight, @Nullable Batch batch, String namespace) {
        if (batch != null) {
            retries.await(inFlight, () -> batch.apply(namespace));
        }
    }

    /** The records of a poll worth parsing, and how many it read below the end offsets. */
    private record Poll(Collection<ConsumerRecord<byte[], byte[]>> latest, int read) {
    }

    /**
     * Of a poll's records below the end offsets, the last one of each row (record key): what log
     * compaction would keep, so an uncompacted topic costs one parse per row and poll, not one per
     * change. A delete's tombstone (null value) does not replace the delete before it, which is what
     * tells the rebuild the row is gone; watermarks are skipped. Within a partition records come in
     * order, so the last is the newest, and its version the highest of the row's.
     */
    private static Poll latestPerRow(Iterable<ConsumerRecord<byte[], byte[]>> polled, Map<TopicPartition, Long> ends) {
        Map<Object, ConsumerRecord<byte[], byte[]>> latest = new LinkedHashMap<>();
        int counted = 0;
        for (ConsumerRecord<byte[], byte[]> record : polled) {
            if (record.offset() >= offset(ends, new TopicPartition(record.topic(), record.partition()))) {
                continue;
            }
            counted++;
            if (record.value() == null || io.cachepipe.store.kafka.Watermarks.of(record.headers()) != null) {
                continue;
            }
            Object row = record.key() == null ? new Object()
                    : List.of(record.topic(), record.partition(), java.nio.ByteBuffer.wrap(record.key()));
            latest.put(row, record);
        }
        return new Poll(latest.values(), counted);
    }

    /** Rows of plain views that could not be rendered (TOAST placeholders, odd keys) wait in the same set. */
    private boolean batchPending(String namespace, ViewDefinition view) {
        return join(redis.scard(bytes(OpsKeys.rebuildParams(namespace, view.name())))) > 0;
    }

    /** The pending work of one poll: writes last-wins per key, parameter sets to load later. */
    private final class Batch {
        private final Map<String, Pending> writes = new LinkedHashMap<>();
        private final Map<String, Set<String>> params = new HashMap<>();

        /** One {@link CacheBatch} for the poll's rows (a script call per 200), one SADD per view for its parameter sets. */
        CompletableFuture<Void> apply(String namespace) {
            CacheBatch batch = store.batch();
            List<Pending> order = new ArrayList<>(writes.values());
            for (Pending pending : order) {
                if (pending.value == null) {
                    batch.invalidate(pending.key, pending.version, false);
                } else {
                    batch.write(pending.key, pending.version, pending.value);
                }
            }
            List<CompletableFuture<?>> inFlight = new ArrayList<>(params.size() + 1);
            inFlight.add(batch.execute().toCompletableFuture().thenAccept(outcomes -> {
                for (int i = 0; i < order.size(); i++) {
                    if (order.get(i).value == null) {
                        deletes.incrementAndGet();
                    } else {
                        (outcomes.get(i).applied() ? rowWrites : refused).incrementAndGet();
                    }
                }
            }));
            params.forEach((view, sets) -> inFlight.add(redis.sadd(bytes(OpsKeys.rebuildParams(namespace, view)),
                    sets.stream().map(Rebuilder::bytes).toArray(byte[][]::new)).toCompletableFuture()));
            return CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new));
        }
    }

    private record Pending(CacheKey key, Version version, byte @Nullable [] value) {
    }

    private void collect(ChangeEvent event, List<ViewDefinition> views, Map<String, PlainRowView> plain, Map<String, String> modes,
                         Batch batch) {
        for (ViewCatalog.Source source : catalog.sourcesOf(event.table())) {
            ViewDefinition view = source.view();
            if (!modes.containsKey(view.name()) || modes.get(view.name()).startsWith("skipped")) {
                continue;
            }
            PlainRowView row = plain.get(view.name());
            if (row != null) {
                if (!row.table().equals(event.table())) {
                    continue;
                }
                Map<String, Object> params = row.params(event);
                if (params == null) {
                    continue;
                }
                CacheKey key = store.keySpace().key(view, params);
                if (event.after() == null) {
                    batch.writes.put(key.redisKey(), new Pending(key, event.version(), null));
                } else if (row.keyedByKeyColumn(event) && row.render(event.after()) instanceof PlainRowView.Image.Rendered rendered) {
                    batch.writes.put(key.redisKey(), new Pending(key, event.version(), rendered.value()));
                } else {
                    // Keyed otherwise, or a value the image cannot render exactly (a TOAST placeholder, an
                    // unknown form): the database renders this row, after the topics are read.
                    imageFallbacks.incrementAndGet();
                    batch.writes.remove(key.redisKey());
                    batch.params.computeIfAbsent(view.name(), name -> new LinkedHashSet<>()).add(encode(view, params));
                }
                continue;
            }
            if (event.after() == null) {
                continue;
            }
            Map<String, Object> params = bind(view, source.mapping(), event.after());
            if (params != null) {
                batch.params.computeIfAbsent(view.name(), name -> new LinkedHashSet<>()).add(encode(view, params));
            }
        }
    }

    /** The view parameters a row binds through one source, free ones at their defaults; null if a bound column is null. */
    private static @Nullable Map<String, Object> bind(ViewDefinition view, SourceMapping mapping, ObjectNode row) {
        Map<String, Object> params = new TreeMap<>();
        for (Map.Entry<String, String> bind : mapping.bind().entrySet()) {
            JsonNode value = row.get(bind.getValue());
            if (value == null || value.isNull()
                    || value.isTextual() && ChangeEvent.UNAVAILABLE_VALUE.equals(value.textValue())) {
                return null;
            }
            try {
                params.put(bind.getKey(), view.param(bind.getKey()).type().fromJson(value));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        for (ParamSpec spec : view.params().values()) {
            if (!params.containsKey(spec.name())) {
                if (spec.defaultValue() == null) {
                    return null;
                }
                params.put(spec.name(), spec.defaultValue());
            }
        }
        return params;
    }

    /** The first parameter of the view that no source binds and that has no default, or null. */
    private static @Nullable String unboundWithoutDefault(ViewDefinition view) {
        for (ParamSpec spec : view.params().values()) {
            if (spec.defaultValue() == null && view.sources().stream().noneMatch(source -> source.bind().containsKey(spec.name()))) {
                return spec.name();
            }
        }
        return null;
    }

    private void loadFromDatabase(ViewDefinition view, Version version, String namespace, int batchSize, Progress progress)
            throws SQLException {
        Set<byte[]> members = join(redis.smembers(bytes(OpsKeys.rebuildParams(namespace, view.name()))));
        List<Map<String, Object>> keys = new ArrayList<>(members.size());
        for (byte[] member : members) {
            keys.add(decode(view, text(member)));
        }
        String phase = "view " + view.name();
        progress.update(phase, 0, keys.size());
        for (int from = 0; from < keys.size(); from += batchSize) {
            List<Map<String, Object>> chunk = keys.subList(from, Math.min(keys.size(), from + batchSize));
            List<byte[]> values = loader.load(view, chunk);
            java.util.function.Supplier<CompletableFuture<List<CacheBatch.Outcome>>> write = () -> {
                CacheBatch batch = store.batch();
                for (int i = 0; i < chunk.size(); i++) {
                    batch.write(store.keySpace().key(view, chunk.get(i)), version, values.get(i));
                }
                return batch.execute().toCompletableFuture();
            };
            for (CacheBatch.Outcome outcome : retries.await(write.get(), write)) {
                (outcome.applied() ? loadedWrites : refused).incrementAndGet();
            }
            progress.update(phase, from + chunk.size(), keys.size());
        }
    }

    private void clear(List<ViewDefinition> views) {
        String namespace = store.keySpace().namespace();
        List<byte[]> keys = new ArrayList<>();
        keys.add(bytes(OpsKeys.rebuildCheckpoint(namespace)));
        views.forEach(view -> keys.add(bytes(OpsKeys.rebuildParams(namespace, view.name()))));
        for (byte[] key : keys) {
            join(redis.del(key));
        }
    }

    private String encode(ViewDefinition view, Map<String, Object> params) {
        ObjectNode node = json.createObjectNode();
        new TreeMap<>(params).forEach((name, value) -> node.set(name, json.valueToTree(value instanceof java.util.UUID uuid
                ? uuid.toString() : value)));
        return node.toString();
    }

    private Map<String, Object> decode(ViewDefinition view, String text) {
        try {
            JsonNode node = json.readTree(text);
            Map<String, Object> params = new LinkedHashMap<>();
            view.params().forEach((name, spec) -> params.put(name, spec.type().fromJson(node.get(name))));
            return params;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable rebuild parameters '" + text + "' of view " + view.name(), e);
        }
    }

    private Properties consumerProps() {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, kafka.topicPrefix() + "-rebuild");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "20000");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024));
        return props;
    }

    /** A partition's offset in Kafka's answer for the partitions asked, which has every one of them. */
    private static long offset(Map<TopicPartition, Long> offsets, TopicPartition partition) {
        Long offset = offsets.get(partition);
        if (offset == null) {
            throw new IllegalStateException("Kafka answered no offset for " + partition);
        }
        return offset;
    }

    private static String field(TopicPartition partition) {
        return partition.topic() + ":" + partition.partition();
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] raw) {
        return new String(raw, StandardCharsets.UTF_8);
    }
}
