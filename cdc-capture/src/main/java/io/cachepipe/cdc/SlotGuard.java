package io.cachepipe.cdc;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.store.kafka.SlotLossHistory;
import io.cachepipe.store.kafka.SlotLossNotice;
import io.cachepipe.store.kafka.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before every start of Debezium's engine (the first, and each after a failure: a restarted database,
 * a terminated walsender, an invalidated slot all end the engine), checks that the replication slot
 * still holds every change after the position Debezium stored. Debezium itself does not: finding its
 * slot gone it creates a new one and streams from now on, and the changes in between are lost without
 * a word, leaving the cache stale for as long as the entries live.
 *
 * <p>Lost means: the slot is gone while a position is stored; or PostgreSQL invalidated it
 * ({@code wal_status = 'lost'}: {@code max_slot_wal_keep_size} exceeded); or it confirmed a position past
 * the stored one (dropped and created again, or advanced by someone else). The slot is read before the
 * stored position: Debezium stores a position before it confirms it to the slot, so a slot read first
 * can never be ahead of a position read after it unless changes went missing.
 *
 * <p>Recovery, in this order: an invalidated slot is dropped; a new slot is created (from here on every
 * change is captured); then a {@link SlotLossNotice} asks the invalidator to drop every cached value of
 * every view, which the API and the warmer fill again from PostgreSQL. The flush comes after the new slot
 * exists: a change committed between a flush and the slot's creation would otherwise be lost again.
 * The notice is also kept in {@link SlotLossHistory}: a deleted row's last image stays in the compacted
 * change topics for good, and a rebuild must load rows whose images predate the loss from PostgreSQL.
 * Last, the stored position is removed (Debezium refuses to stream from a slot that starts after it), so
 * Debezium starts as on a first start, as {@code cdc.snapshot} says: with {@code initial} (the default) it
 * publishes every current row again, which keeps the change topics a rebuild source; the cache needs no
 * such snapshot (it fills from PostgreSQL on a miss, and every value was dropped). A crash before the
 * removal finds the loss again at the next start and repeats the recovery (another flush; harmless).
 */
final class SlotGuard {
    private static final Logger log = LoggerFactory.getLogger(SlotGuard.class);

    private final DataSource dataSource;
    private final String slot;
    private final StoredPosition stored;
    private final Producer<byte[], byte[]> producer;
    private final Topics topics;
    private final ObjectMapper json;
    private final Clock clock;
    private final Counter losses;

    SlotGuard(DataSource dataSource, String slot, StoredPosition stored, Producer<byte[], byte[]> producer, Topics topics,
              ObjectMapper json, Clock clock, MeterRegistry metrics) {
        this.dataSource = dataSource;
        this.slot = slot;
        this.stored = stored;
        this.producer = producer;
        this.topics = topics;
        this.json = json;
        this.clock = clock;
        this.losses = Counter.builder(MetricNames.CDC_SLOT_LOSSES).tag("slot", slot)
                .description("times the replication slot lost changes (dropped, invalidated, moved past the stored position)")
                .register(metrics);
    }

    /** Checks the slot, and recovers if it lost changes; throws if it cannot tell (the caller retries, as after any failure). */
    void beforeStart() throws SQLException {
        Optional<ReplicationSlot> current;
        try (Connection connection = dataSource.getConnection()) {
            current = ReplicationSlot.read(connection, slot);
        }
        Optional<Version> position = stored.read();
        String lost = lost(slot, current, position);
        if (lost != null) {
            recover(current, position, lost);
        }
    }

    /** What was lost, in words; null if nothing was. */
    static @Nullable String lost(String slot, Optional<ReplicationSlot> current, Optional<Version> position) {
        if (current.isPresent() && current.get().invalidated()) {
            return "PostgreSQL invalidated replication slot " + slot + " (wal_status = 'lost': it retained more WAL than"
                    + " max_slot_wal_keep_size) and removed the WAL after " + position.map(Version::pgLsn).orElse("it");
        }
        if (position.isEmpty()) {
            return null; // nothing stored: a first start (Debezium snapshots as cdc.snapshot says)
        }
        if (current.isEmpty()) {
            return "replication slot " + slot + " is gone (dropped) while cdc-capture had stored position " + position.get().pgLsn()
                    + ": the changes committed after it were never captured";
        }
        Version confirmed = current.get().confirmedFlush();
        if (confirmed != null && confirmed.isAfter(position.get())) {
            return "replication slot " + slot + " confirmed position " + confirmed.pgLsn() + ", past the stored position "
                    + position.get().pgLsn() + " (dropped and created again, or advanced by another consumer): the changes in"
                    + " between were never captured";
        }
        return null;
    }

    private void recover(Optional<ReplicationSlot> current, Optional<Version> position, String lost) throws SQLException {
        ReplicationSlot fresh;
        try (Connection connection = dataSource.getConnection()) {
            if (current.isPresent() && current.get().invalidated()) {
                ReplicationSlot.drop(connection, slot);
            }
            fresh = current.isPresent() && !current.get().invalidated() ? current.get() : ReplicationSlot.create(connection, slot);
        }
        Version resumedAt = fresh.confirmedFlush() == null ? Version.ZERO : fresh.confirmedFlush();
        var notice = new SlotLossNotice(slot, lost, position.map(Version::pgLsn).orElse("none"), resumedAt.pgLsn(), clock.instant());
        try {
            var kept = SlotLossHistory.record(producer, topics, notice, json);
            producer.send(new ProducerRecord<>(topics.watermarks(), SlotLossNotice.KEY, notice.encode(json))).get(30, TimeUnit.SECONDS);
            kept.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot send the slot loss notice to " + topics.watermarks() + " and " + topics.slotLosses()
                    + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending the slot loss notice", e);
        }
        losses.increment();
        stored.forget(producer);
        log.error("CHANGES LOST: {}. Which rows changed in between is unknown, so the cache cannot be trusted: capture goes on"
                + " from replication slot {} at {} (every change from there is captured), and the invalidator was asked to drop"
                + " every cached value of every view; reads fill them again from PostgreSQL. Find out who dropped or invalidated the"
                + " slot (see docs/operations.md, CachepipeReplicationSlotLost)", lost, slot, resumedAt.pgLsn());
    }
}
