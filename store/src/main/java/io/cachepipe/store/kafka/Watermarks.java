package io.cachepipe.store.kafka;

import io.cachepipe.core.change.Version;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * Watermarks through the log: how a reader learns that every change committed before some moment
 * has reached the cache.
 *
 * <p>{@link #emit} writes a logical decoding message into the WAL and returns its position W.
 * PostgreSQL decodes it after every transaction that committed before it, so cdc-capture receives
 * it after their changes and copies it into every partition of every change topic, behind them.
 * When the invalidator meets the watermark in a partition, all of that partition's changes before W
 * are applied, and it records W for the partition in Redis. Once every partition reports W or more,
 * every change committed before the watermark is in the cache: the pipeline's applied position.
 */
public final class Watermarks {
    /** The logical decoding message prefix; Debezium is told to pass on only these. */
    public static final String MESSAGE_PREFIX = "cachepipe.watermark";
    /** Header carrying the watermark's version on the copies in change topics. */
    public static final String HEADER = "cachepipe.watermark";
    /** Header carrying how many partitions the watermark was copied into. */
    public static final String FANOUT_HEADER = "cachepipe.watermark.fanout";

    private Watermarks() {
    }

    /** Writes a watermark into the WAL (no transaction needed) and returns its position. */
    public static Version emit(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_logical_emit_message(false, '" + MESSAGE_PREFIX + "', '')::text")) {
            rows.next();
            return Version.ofPgLsn(rows.getString(1));
        }
    }

    /** The watermark a change-topic record carries, or null for an ordinary change. */
    public static @Nullable Version of(Headers headers) {
        Header header = headers.lastHeader(HEADER);
        return header == null ? null : Version.parse(new String(header.value(), StandardCharsets.UTF_8));
    }

    /** How many partitions the watermark went to (0 if unknown). */
    public static int fanout(Headers headers) {
        Header header = headers.lastHeader(FANOUT_HEADER);
        return header == null ? 0 : Integer.parseInt(new String(header.value(), StandardCharsets.UTF_8));
    }

    /** The record key of a watermark copy: one per partition, so compaction keeps the latest. */
    public static byte[] key(int partition) {
        return ("{\"__cachepipe_watermark\":" + partition + "}").getBytes(StandardCharsets.UTF_8);
    }
}
