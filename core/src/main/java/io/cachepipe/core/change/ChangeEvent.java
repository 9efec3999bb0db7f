package io.cachepipe.core.change;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/**
 * One row change as captured from the WAL.
 *
 * @param key          the row's primary key columns (the Kafka record key)
 * @param before       the row before the change; null for inserts, and for updates of tables whose
 *                     REPLICA IDENTITY is not FULL (then only key columns may be known)
 * @param after        the row after the change; null for deletes
 * @param version      commit-ordered version, see {@link Version}
 * @param lsn          WAL position of this change ({@code source.lsn})
 * @param commitTimeMs commit time ({@code source.ts_ms}), the start of the freshness clock
 */
public record ChangeEvent(
        TableName table,
        ChangeOp op,
        @Nullable ObjectNode key,
        @Nullable ObjectNode before,
        @Nullable ObjectNode after,
        Version version,
        long lsn,
        long commitTimeMs) {

    /**
     * This change without its row images and key: what is left to version and time its effects once
     * they have been mapped and rendered, so that changes waiting to be applied do not hold their trees.
     */
    public ChangeEvent withoutRows() {
        return new ChangeEvent(table, op, null, null, null, version, lsn, commitTimeMs);
    }

    /** Debezium's stand-in for an unchanged TOASTed column it did not receive. */
    public static final String UNAVAILABLE_VALUE = "__debezium_unavailable_value";
}
