package io.cachepipe.cdc;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.config.Parsers;
import io.cachepipe.core.config.Problems;
import io.cachepipe.core.config.Setting;
import io.cachepipe.core.config.Settings;
import io.cachepipe.store.postgres.SignalTable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * cdc-capture's own settings.
 *
 * @param pollInterval      how long Debezium waits for more WAL before handing over a batch; the floor
 *                          of commit-to-Kafka latency (stack-facts: 10 ms gives a 21 ms median end to end)
 * @param heartbeatInterval how often Debezium emits a heartbeat and runs the heartbeat write
 * @param heartbeatTable    written on every heartbeat ({@link Heartbeats}), or null for none. Without it,
 *                          a slot whose tables are idle in a database busy with other tables confirms no
 *                          new position (pgoutput filters the other tables' changes out, so Debezium has
 *                          nothing to acknowledge) and PostgreSQL keeps all that WAL
 * @param signalTable       Debezium's signal table ({@code signal.data.collection}), or null for none: where
 *                          {@code cachepipe resnapshot} asks for an incremental snapshot of a table
 * @param offsetFlush       how often the captured position is saved and confirmed to the slot; a crash
 *                          re-sends at most this much (duplicates are harmless, losses impossible)
 * @param batching          how changes are grouped on their way to Kafka
 * @param debezium          {@code cdc.debezium.*}: Debezium connector properties passed to the engine as given
 *                          (signal tables, snapshot fetch size, ...), after cachepipe's own
 */
public record CdcConfig(String slot, String publication, Duration pollInterval, Duration heartbeatInterval,
                        @Nullable TableName heartbeatTable, @Nullable TableName signalTable, Duration offsetFlush, SnapshotMode snapshot, ReplicaIdentityPolicy replicaIdentity,
                        Batching batching, int adminPort, Map<String, String> debezium) {
    /** Prefix of the Debezium connector properties handed on: {@code cdc.debezium.snapshot.fetch.size=20000}. */
    public static final String DEBEZIUM_PROPERTIES = Setting.passedOn("cdc.debezium.");
    /** What the pipeline depends on: changing one of these would break capture, not tune it. */
    static final Set<String> OWNED = Set.of("name", "connector.class", "topic.prefix", "offset.storage", "offset.storage.topic",
            "plugin.name", "slot.name", "publication.name", "publish.via.partition.root", "table.include.list", "converter.schemas.enable",
            "converter.replace.null.with.default", "decimal.handling.mode", "tombstones.on.delete", "message.prefix.include.list",
            "bootstrap.servers", "signal.data.collection", "notification.sink.topic.name");

    /** Settings without Debezium properties of their own, and with the default signal table. */
    public CdcConfig(String slot, String publication, Duration pollInterval, Duration heartbeatInterval,
                     @Nullable TableName heartbeatTable, Duration offsetFlush, SnapshotMode snapshot, ReplicaIdentityPolicy replicaIdentity,
                     Batching batching, int adminPort) {
        this(slot, publication, pollInterval, heartbeatInterval, heartbeatTable, TableName.parse(SignalTable.DEFAULT), offsetFlush,
                snapshot, replicaIdentity, batching, adminPort, Map.of());
    }

    /**
     * How changes travel in batches. Debezium hands over what arrived within {@code pollInterval}, at most
     * {@code maxBatchSize}; its queue holds {@code maxQueueSize} while a batch is being published. The
     * producer sends at once ({@code producerLinger} 0) and packs what accumulates while a request is in
     * flight into batches of up to {@code producerBatchBytes}: one change at a time when idle, large
     * batches under load, without a timer to wait for.
     *
     * @param compression the producer's {@code compression.type}
     */
    public record Batching(int maxBatchSize, int maxQueueSize, Duration producerLinger, int producerBatchBytes, Compression compression) {
        public static final Batching DEFAULT = new Batching(4096, 16384, Duration.ZERO, 256 * 1024, Compression.NONE);

        public Batching {
            new Problems()
                    .check(maxQueueSize > maxBatchSize, "cdc.max-queue-size = " + maxQueueSize + " must be larger than cdc.max-batch-size = "
                            + maxBatchSize + " (Debezium fills the queue while a batch is published)")
                    .throwIfAny();
        }
    }

    /** What to capture on the very first start, before streaming. */
    public enum SnapshotMode {
        /** Every existing row goes to the change topics first: they become a full rebuild source. */
        INITIAL,
        /** Only changes from now on. */
        NO_DATA
    }

    /** Kafka's compression types: none keeps the CPU, the others trade it for network and disk. */
    public enum Compression { NONE, LZ4, ZSTD, SNAPPY, GZIP }

    /** What to do when a captured table's REPLICA IDENTITY cannot say which keys an update left. */
    public enum ReplicaIdentityPolicy {
        /** Log a warning with the exact ALTER TABLE to run; such changes widen to whole-view invalidations. */
        WARN,
        /** Run ALTER TABLE … REPLICA IDENTITY FULL at start-up. */
        SET
    }

    public static final Setting<String> SLOT = Setting.optional("cdc.slot", "cachepipe", Parsers.nonBlank(),
            "logical replication slot name");
    public static final Setting<String> PUBLICATION = Setting.optional("cdc.publication", "cachepipe", Parsers.nonBlank(),
            "publication name (created on first start, filtered to the captured tables)");
    /**
     * Debezium's queue hands over a batch when it is full or this interval has passed, so a lone change
     * waits up to this long. Debezium's own queue spun through the last millisecond of every interval
     * (at 1 ms an idle cdc-capture spun half a core); cachepipe's copy waits instead ({@link DebeziumPatch}):
     * an idle poll costs about 0.1 ms of CPU, 0.02 of a core at 5 ms and 0.04 at 1 ms. Shorter intervals
     * hand over smaller batches under load, and each batch costs a visibility query and a Kafka round trip.
     */
    public static final Setting<Duration> POLL_INTERVAL = Setting.optional("cdc.poll-interval", "5ms",
            Parsers.duration(Duration.ofMillis(1), Duration.ofSeconds(10)),
            "Debezium poll.interval.ms: a lone change waits up to this long; shorter makes smaller batches under load "
                    + "(each costs a visibility query) and polls more often when idle (1ms: 0.04 of a core)");
    public static final Setting<Duration> HEARTBEAT_INTERVAL = Setting.optional("cdc.heartbeat-interval", "10s",
            Parsers.duration(Duration.ofSeconds(1), Duration.ofHours(1)), "Debezium heartbeat interval");
    public static final Setting<String> HEARTBEAT_TABLE = Setting.optional("cdc.heartbeat-table", Heartbeats.DEFAULT_TABLE,
            Parsers.text(), "schema.table cdc-capture writes one row of on every heartbeat, so the slot advances while captured "
                    + "tables are idle; created on first start and added to the publication; empty: no heartbeat writes");
    public static final Setting<String> SIGNAL_TABLE = Setting.optional("cdc.signal-table", SignalTable.DEFAULT, Parsers.text(),
            "schema.table of Debezium's signals (signal.data.collection), where cachepipe resnapshot asks for an incremental "
                    + "snapshot; created on first start and added to the publication; empty: no signals, no resnapshot");
    public static final Setting<Duration> OFFSET_FLUSH = Setting.optional("cdc.offset-flush-interval", "1s",
            Parsers.duration(Duration.ofMillis(100), Duration.ofMinutes(10)), "how often the captured position is saved");
    public static final Setting<SnapshotMode> SNAPSHOT = Setting.optional("cdc.snapshot", "initial",
            Parsers.oneOf(SnapshotMode.class), "initial: copy existing rows to the change topics first; no-data: changes only");
    public static final Setting<ReplicaIdentityPolicy> REPLICA_IDENTITY = Setting.optional("cdc.replica-identity", "warn",
            Parsers.oneOf(ReplicaIdentityPolicy.class), "warn (refuse a table with no identity), or set REPLICA IDENTITY FULL where views need old values or a table has none");
    public static final Setting<Integer> MAX_BATCH_SIZE = Setting.optional("cdc.max-batch-size", "4096", Parsers.integer(1, 1_000_000),
            "most changes Debezium hands over in one batch (max.batch.size)");
    public static final Setting<Integer> MAX_QUEUE_SIZE = Setting.optional("cdc.max-queue-size", "16384", Parsers.integer(2, 10_000_000),
            "changes Debezium queues while a batch is published (max.queue.size); larger than cdc.max-batch-size");
    public static final Setting<Duration> PRODUCER_LINGER = Setting.optional("cdc.producer-linger", "0ms",
            Parsers.duration(Duration.ZERO, Duration.ofSeconds(1)), "producer linger.ms: 0 sends at once and batches what accumulates "
                    + "while a request is in flight");
    public static final Setting<Integer> PRODUCER_BATCH_BYTES = Setting.optional("cdc.producer-batch-bytes", "262144",
            Parsers.integer(1024, 64 * 1024 * 1024), "producer batch.size: bytes of changes per partition in one produce request");
    public static final Setting<Compression> COMPRESSION = Setting.optional("cdc.compression", "none",
            Parsers.oneOf(Compression.class), "producer compression.type of the change topics");
    public static final Setting<Integer> ADMIN_PORT = Setting.optional("cdc.admin-port", "9401", Parsers.port(),
            "port of /metrics, /health/live, /health/ready and /version (0 picks a free port)");

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z_][a-z0-9_]*");

    public CdcConfig {
        debezium = Map.copyOf(debezium);
        var problems = new Problems()
                .check(NAME.matcher(slot).matches(), "cdc.slot = '" + slot + "': PostgreSQL slot names are lowercase letters, digits and '_'")
                .check(NAME.matcher(publication).matches(), "cdc.publication = '" + publication + "': use lowercase letters, digits and '_'")
                .check(heartbeatTable == null || NAME.matcher(heartbeatTable.schema()).matches() && NAME.matcher(heartbeatTable.table()).matches(),
                        "cdc.heartbeat-table = '" + heartbeatTable + "': use schema.table in lowercase letters, digits and '_', or leave it "
                                + "empty for no heartbeat writes")
                .check(signalTable == null || NAME.matcher(signalTable.schema()).matches() && NAME.matcher(signalTable.table()).matches(),
                        "cdc.signal-table = '" + signalTable + "': use schema.table in lowercase letters, digits and '_', or leave it "
                                + "empty for no signals")
                .check(signalTable == null || !signalTable.equals(heartbeatTable),
                        "cdc.signal-table and cdc.heartbeat-table are both " + signalTable + ": give each a table of its own");
        debezium.keySet().stream().filter(OWNED::contains).sorted().forEach(key -> problems.add(DEBEZIUM_PROPERTIES + key
                + " is set by cachepipe (the pipeline depends on it); see docs/configuration.md for the settings that choose it"));
        problems.throwIfAny();
    }

    public static CdcConfig read(Settings settings) {
        @Nullable TableName heartbeatTable = table(settings, HEARTBEAT_TABLE);
        @Nullable TableName signalTable = table(settings, SIGNAL_TABLE);
        Settings.Values values = settings.require(SLOT, PUBLICATION, POLL_INTERVAL, HEARTBEAT_INTERVAL, OFFSET_FLUSH, SNAPSHOT,
                REPLICA_IDENTITY, MAX_BATCH_SIZE, MAX_QUEUE_SIZE, PRODUCER_LINGER, PRODUCER_BATCH_BYTES, COMPRESSION, ADMIN_PORT);
        return new CdcConfig(values.get(SLOT), values.get(PUBLICATION), values.get(POLL_INTERVAL),
                values.get(HEARTBEAT_INTERVAL), heartbeatTable, signalTable, values.get(OFFSET_FLUSH), values.get(SNAPSHOT),
                values.get(REPLICA_IDENTITY), batching(values), values.get(ADMIN_PORT), settings.prefixed(DEBEZIUM_PROPERTIES));
    }

    private static Batching batching(Settings.Values values) {
        return new Batching(values.get(MAX_BATCH_SIZE), values.get(MAX_QUEUE_SIZE), values.get(PRODUCER_LINGER),
                values.get(PRODUCER_BATCH_BYTES), values.get(COMPRESSION));
    }

    /** A table setting: empty means none. */
    private static @Nullable TableName table(Settings settings, Setting<String> setting) {
        String text = settings.get(setting);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return TableName.parse(text);
        } catch (IllegalArgumentException e) {
            settings.addProblem(setting.key() + " = '" + text + "': " + e.getMessage());
            return null;
        }
    }

    public static List<Setting<?>> settings() {
        return List.of(SLOT, PUBLICATION, POLL_INTERVAL, HEARTBEAT_INTERVAL, HEARTBEAT_TABLE, SIGNAL_TABLE, OFFSET_FLUSH, SNAPSHOT, REPLICA_IDENTITY,
                MAX_BATCH_SIZE, MAX_QUEUE_SIZE, PRODUCER_LINGER, PRODUCER_BATCH_BYTES, COMPRESSION, ADMIN_PORT);
    }
}
