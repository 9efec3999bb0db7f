package io.cachepipe.api.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.store.kafka.SlotLossNotice;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The replication-slot part of {@link CacheSummary}: each pgoutput slot of the database (active, WAL
 * retained, growing, invalidated), whether the database answers at all, and the last time a slot lost
 * changes and cachepipe dropped every cached value for it.
 */
final class ReplicationSlots {
    private final long lagAlarmBytes;
    private final Supplier<Optional<SlotLossNotice>> lastLoss;
    private final Map<String, List<Long>> history = new HashMap<>();

    ReplicationSlots(long lagAlarmBytes, Supplier<Optional<SlotLossNotice>> lastLoss) {
        this.lagAlarmBytes = lagAlarmBytes;
        this.lastLoss = lastLoss;
    }

    void read(ObjectNode body, DataSource dataSource, List<CacheSummary.Finding> findings) {
        ArrayNode slots = body.putArray("replicationSlots");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT slot_name, active, "
                     + "pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint AS lag, coalesce(wal_status, '') "
                     + "FROM pg_replication_slots WHERE database = current_database() AND plugin = 'pgoutput'")) {
            body.putObject("database").put("available", true);
            while (rows.next()) {
                String name = rows.getString(1);
                boolean active = rows.getBoolean(2);
                long lag = rows.getLong(3);
                boolean lost = "lost".equals(rows.getString(4));
                boolean growing = growing(name, lag);
                slots.addObject().put("name", name).put("active", active).put("lagBytes", lag).put("growing", growing)
                        .put("invalidated", lost);
                if (lost) {
                    findings.add(new CacheSummary.Finding(30, "critical", "Replication slot " + name + " was invalidated by "
                            + "PostgreSQL (wal_status lost: it retained more WAL than max_slot_wal_keep_size): the changes in the "
                            + "removed WAL are lost. cdc-capture drops it, creates a new slot and has every cached value dropped as "
                            + "it starts; see docs/operations.md, CachepipeReplicationSlotLost."));
                } else if (!active) {
                    findings.add(new CacheSummary.Finding(20, "critical", "Replication slot " + name + " is inactive: cdc-capture "
                            + "is not reading, so changes do not reach the cache and PostgreSQL keeps WAL for it. Start cdc-capture, "
                            + "or drop the slot if the deployment is gone (SELECT pg_drop_replication_slot('" + name + "')).") );
                }
                if (lag > lagAlarmBytes) {
                    findings.add(new CacheSummary.Finding(15, "warning", "Replication slot " + name + " retains " + lag / (1024 * 1024)
                            + " MiB of WAL (alarm at " + lagAlarmBytes / (1024 * 1024) + " MiB): cdc-capture or Kafka is "
                            + "behind. Check cdc-capture's log and Kafka's health before the disk fills."));
                }
                if (growing) {
                    findings.add(new CacheSummary.Finding(10, "warning", "Replication slot " + name + " lag has grown over the last "
                            + "readings: cdc-capture is not keeping up with the write rate."));
                }
            }
        } catch (java.sql.SQLException e) {
            body.putObject("database").put("available", false).put("error", e.getMessage());
            findings.add(new CacheSummary.Finding(30, "critical", "PostgreSQL cannot be read (" + e.getMessage() + "): misses fail and "
                    + "nothing is re-warmed. Check the database and postgres.url."));
        }
        lastLoss.get().ifPresent(loss -> {
            body.putObject("slotLoss").put("slot", loss.slot()).put("at", loss.at().toString()).put("reason", loss.reason())
                    .put("storedLsn", loss.storedLsn()).put("resumedAt", loss.resumedAt());
            findings.add(new CacheSummary.Finding(30, "critical", "Changes were lost at " + loss.at() + ": " + loss.reason()
                    + ". cachepipe captures again from " + loss.resumedAt() + " on a new slot and dropped every cached value; reads "
                    + "refill from PostgreSQL. Find out who dropped or invalidated the slot (docs/operations.md, "
                    + "CachepipeReplicationSlotLost); the alarm clears a day after the loss."));
        });
    }

    /** True when the lag rose over each of the last three readings. */
    private synchronized boolean growing(String slot, long lag) {
        List<Long> readings = history.computeIfAbsent(slot, name -> new ArrayList<>());
        readings.add(lag);
        if (readings.size() > 4) {
            readings.remove(0);
        }
        if (readings.size() < 4) {
            return false;
        }
        for (int i = 1; i < readings.size(); i++) {
            if (readings.get(i) <= readings.get(i - 1)) {
                return false;
            }
        }
        return true;
    }
}
