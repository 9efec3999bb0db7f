package io.cachepipe.ops.resnapshot;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.ops.replay.OffsetReplay;
import io.cachepipe.store.kafka.Topics;
import io.cachepipe.store.postgres.SignalTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Re-reads tables' current rows through Debezium's incremental snapshot, so that every key of the views
 * sourced from them is invalidated (or rewritten) and re-warmed from the database: the remedy for a
 * stretch of a table's changes that was lost or is suspect, without a full re-snapshot.
 *
 * <p>The steps are observable from outside the pipeline: a row in the signal table ({@link SignalTable}),
 * Debezium's notifications with the rows each table scan read ({@link SnapshotNotifications}), and the
 * invalidator's committed offsets on the change topics, which pass the re-read rows only once their
 * effects are in Redis.
 */
public final class Resnapshot {
    private static final Duration POLL = Duration.ofMillis(500);

    /** What Debezium reported for one table: rows read and its {@code TableScanCompletionStatus}. */
    public record Scan(String table, long rows, String status) {
        /** SUCCEEDED, or EMPTY (nothing to read); anything else left the table's keys as they were. */
        public boolean read() {
            return status.equals("SUCCEEDED") || status.equals("EMPTY");
        }
    }

    /** How the snapshot ended: every table scanned, or aborted by Debezium (a stop-snapshot signal, a failure). */
    public record Report(String signalId, List<Scan> scans, boolean aborted) {
        public long rows() {
            return scans.stream().mapToLong(Scan::rows).sum();
        }
    }

    private final DataSource database;
    private final TableName signalTable;
    private final KafkaConfig kafka;

    public Resnapshot(DataSource database, TableName signalTable, KafkaConfig kafka) {
        this.database = database;
        this.signalTable = signalTable;
        this.kafka = kafka;
    }

    /**
     * The tables asked for, each one that views read.
     *
     * @throws IllegalArgumentException naming the ones no view reads, and the tables views do read
     */
    public static Set<TableName> tables(ViewCatalog catalog, Collection<String> requested) {
        Set<TableName> declared = catalog.capturedTables();
        Set<TableName> out = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String name : requested) {
            TableName table = TableName.parse(name);
            if (declared.contains(table)) {
                out.add(table);
            } else {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("--table " + String.join(", ", unknown) + ": no view reads " + (unknown.size() == 1
                    ? "it" : "them") + " (the tables the views read: " + declared.stream().map(TableName::toString).sorted()
                    .collect(Collectors.joining(", ")) + ")");
        }
        List<String> unkept = out.stream().filter(table -> !survivesDebeziumOffsets(table)).map(TableName::toString).toList();
        if (!unkept.isEmpty()) {
            throw new IllegalArgumentException("--table " + String.join(", ", unkept) + ": Debezium keeps a running incremental"
                    + " snapshot's tables in its offsets by their unquoted names, and cannot read back one with a space, a dot or"
                    + " a quote in it (DBZ-9209): its engine would fail at every start until the offsets were reset. Drop the"
                    + " views' values instead (cachepipe flush --view V): reads and the warmer load them from the database");
        }
        return out;
    }

    /**
     * Whether Debezium reads the table's name back from its offsets as the same table: its parser takes
     * {@code Sales.Order Lines} for an error and {@code sales.a.b} for another table.
     */
    static boolean survivesDebeziumOffsets(TableName table) {
        return Stream.of(table.schema(), table.table()).allMatch(part -> part.chars().noneMatch(c -> Character.isWhitespace(c)
                || c == '.' || c == '"'));
    }

    /** The views a re-read of the table refreshes, by name. */
    public static List<String> viewsOf(ViewCatalog catalog, TableName table) {
        return catalog.sourcesOf(table).stream().map(source -> source.view().name()).distinct().toList();
    }

    /**
     * Sends the signal and waits until Debezium reports the snapshot completed or aborted; {@code onScan}
     * hears of each table as its scan completes.
     *
     * @throws IllegalStateException when the signal cannot be written, or no end is reported within {@code timeout}
     */
    public Report run(Set<TableName> tables, Duration timeout, Consumer<Scan> onScan) throws SQLException {
        String id = UUID.randomUUID().toString();
        try (SnapshotNotifications notifications = SnapshotNotifications.fromNow(kafka)) {
            write(id, tables);
            List<Scan> scans = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (SnapshotNotifications.Notification notification : notifications.poll(POLL)) {
                    if (!notification.id().equals(id)) {
                        continue;
                    }
                    switch (notification.type()) {
                        case "TABLE_SCAN_COMPLETED" -> {
                            var scan = new Scan(notification.text("scanned_collection"), parseRows(notification.text("total_rows_scanned")),
                                    notification.text("status"));
                            scans.add(scan);
                            onScan.accept(scan);
                        }
                        case "COMPLETED" -> {
                            return new Report(id, scans, false);
                        }
                        case "ABORTED" -> {
                            return new Report(id, scans, true);
                        }
                        default -> {
                            // STARTED, IN_PROGRESS, PAUSED, RESUMED: progress only
                        }
                    }
                }
            }
            throw new IllegalStateException("Debezium reported no end of snapshot " + id + " within " + timeout + " (tables done: "
                    + scans.size() + " of " + tables.size() + "). Is cdc-capture running? Its log names the signal when it "
                    + "receives it; the snapshot goes on without this command");
        }
    }

    /** Sends the signal and returns at once: the snapshot runs without anyone waiting; answers the signal's id. */
    public String signalOnly(Set<TableName> tables) throws SQLException {
        String id = UUID.randomUUID().toString();
        write(id, tables);
        return id;
    }

    private void write(String id, Set<TableName> tables) throws SQLException {
        try (Connection connection = database.getConnection()) {
            SignalTable.executeIncrementalSnapshot(connection, signalTable, id, tables);
        } catch (SQLException e) {
            throw new SQLException("cannot write the signal into " + signalTable + " (cdc.signal-table): " + e.getMessage()
                    + ". cdc-capture creates it at start; is cdc-capture of this version running against this database?", e);
        }
    }

    /**
     * Waits until the invalidator group has committed the current end of the tables' change topics: the
     * re-read rows are then applied to Redis (it commits an offset only after its change's effects).
     *
     * @return false if not within {@code timeout}
     */
    public boolean awaitApplied(Admin admin, String invalidatorGroup, Set<TableName> tables, Duration timeout)
            throws InterruptedException {
        var offsets = new OffsetReplay(admin);
        Topics topics = new Topics(kafka.topicPrefix());
        List<TopicPartition> partitions = offsets.partitions(tables.stream().map(topics::change).toList(), new ArrayList<>());
        Map<TopicPartition, Long> ends = offsets.offsets(partitions, OffsetSpec.latest());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed = offsets.committed(invalidatorGroup);
            boolean applied = ends.entrySet().stream().allMatch(end -> {
                OffsetAndMetadata at = committed.get(end.getKey());
                return end.getValue() == 0 || at != null && at.offset() >= end.getValue();
            });
            if (applied) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** The dead-letter topic's end offsets now: what {@link #deadLettersSince} counts from. */
    public Map<TopicPartition, Long> deadLetterEnds(Admin admin) {
        var offsets = new OffsetReplay(admin);
        return offsets.offsets(offsets.partitions(List.of(new Topics(kafka.topicPrefix()).deadLetter()), new ArrayList<>()),
                OffsetSpec.latest());
    }

    /** Records dead-lettered since {@code mark} (by any part, for any table: a re-read row that could not be applied is one). */
    public long deadLettersSince(Admin admin, Map<TopicPartition, Long> mark) {
        return deadLetterEnds(admin).entrySet().stream()
                .mapToLong(end -> Math.max(0, end.getValue() - mark.getOrDefault(end.getKey(), 0L))).sum();
    }

    private static long parseRows(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
