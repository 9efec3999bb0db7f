package io.cachepipe.store.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.core.change.Version;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * Watermarks through the log: how a reader learns that every change committed before some moment
 * has reached the cache, with nothing but change envelopes in the change topics.
 *
 * <p>{@link #emit} writes a logical decoding message into the WAL and returns its position W.
 * PostgreSQL decodes it after every transaction that committed before it, so cdc-capture receives
 * it after their changes. Once Kafka has acknowledged all of those, cdc-capture knows each
 * change-topic partition's end offset as of W, and publishes W with those end offsets to the
 * watermark topic ({@link Topics#watermarks()}), not into the change topics. The invalidator records
 * W and its end offsets in Redis, and, after each batch, the next offset it is to apply in every
 * partition. Once every partition's applied offset reaches W's end offset, every change committed
 * before W is in the cache: the pipeline's applied position
 * ({@link io.cachepipe.store.redis.CacheStore#appliedPosition()}).
 */
public final class Watermarks {
    /** The logical decoding message prefix; Debezium is told to pass on only these. */
    public static final String MESSAGE_PREFIX = "cachepipe.watermark";
    /**
     * Header of the copies of a watermark that earlier builds (up to December 2026) wrote into every change-topic
     * partition; such a record is not a change, and readers of old topics skip it.
     */
    private static final String LEGACY_HEADER = "cachepipe.watermark";

    /** A watermark and the end offset of each change-topic partition ({@link #partition}) it stands for. */
    public record Watermark(Version version, Map<String, Long> endOffsets) {
        public Watermark {
            endOffsets = Map.copyOf(endOffsets);
        }
    }

    private Watermarks() {
    }

    /**
     * Writes a watermark into the WAL, flushed to disk, and returns its position. The connection is
     * in autocommit mode, as pools hand them out.
     */
    public static Version emit(Connection connection) throws SQLException {
        return emit(connection, connection.getMetaData().getDatabaseMajorVersion());
    }

    /** {@link #emit} with the statement for a server of this major version, whatever the server is (tests run both). */
    static Version emit(Connection connection, int serverMajorVersion) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(emitStatement(serverMajorVersion))) {
            rows.next();
            return Version.ofPgLsn(rows.getString(1));
        }
    }

    /**
     * The statement that writes a watermark on a server of this major version. A walsender sends only
     * WAL flushed to disk, and a logical decoding message outside a transaction is not flushed by
     * itself: it waited for the WAL writer ({@code wal_writer_delay}, 200 ms, longer while it
     * hibernates), so on a quiet server every read-your-writes read and every catch-up waited about
     * 180 ms for a watermark the pipeline passes in about 15 ms. From PostgreSQL 17 the message is flushed
     * on request; before, the statement also takes a transaction id, so that its commit record is
     * written and flushed, and the message before it with it (unless {@code synchronous_commit} is
     * off for the session, when the WAL writer flushes it as before).
     */
    private static String emitStatement(int serverMajorVersion) {
        String message = "pg_logical_emit_message(false, '" + MESSAGE_PREFIX + "', ''";
        return serverMajorVersion >= 17 ? "SELECT " + message + ", true)::text"
                : "SELECT " + message + ")::text, pg_current_xact_id()";
    }

    /** How a change-topic partition is named in a watermark and in the applied position: {@code <topic>:<partition>}. */
    public static String partition(String topic, int partition) {
        return topic + ":" + partition;
    }

    /** The watermark a Debezium message event carries (Debezium's JSON of a logical decoding message), or null if it is none. */
    public static @Nullable Version ofMessage(ObjectMapper json, byte @Nullable [] value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode message = json.readTree(value);
            if (!MESSAGE_PREFIX.equals(message.path("message").path("prefix").asText())) {
                return null;
            }
            long lsn = message.path("source").path("lsn").asLong(-1);
            return lsn > 0 ? new Version(lsn) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** A watermark-topic record's value: {@code {"watermark":"<16 hex digits>","ends":{"<topic>:<partition>":<offset>,…}}}. */
    public static byte[] encode(ObjectMapper json, Watermark watermark) {
        ObjectNode node = json.createObjectNode().put("watermark", watermark.version().hex());
        ObjectNode ends = node.putObject("ends");
        watermark.endOffsets().forEach(ends::put);
        try {
            return json.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode watermark " + watermark.version(), e);
        }
    }

    /** Reads a watermark-topic record's value; throws {@link IllegalArgumentException} saying what is wrong. */
    public static Watermark decode(ObjectMapper json, byte @Nullable [] value) {
        if (value == null) {
            throw new IllegalArgumentException("a watermark record has a value");
        }
        try {
            JsonNode node = json.readTree(value);
            Version version = Version.parse(node.path("watermark").asText());
            Map<String, Long> ends = new LinkedHashMap<>();
            JsonNode endNode = node.path("ends");
            if (!endNode.isObject()) {
                throw new IllegalArgumentException("a watermark record has an object \"ends\"");
            }
            for (var entry : endNode.properties()) {
                if (!entry.getValue().canConvertToLong() || entry.getKey().indexOf(':') < 0) {
                    throw new IllegalArgumentException("end offset " + entry.getKey() + " = " + entry.getValue() + " is not <topic>:<partition> = offset");
                }
                ends.put(entry.getKey(), entry.getValue().asLong());
            }
            return new Watermark(version, ends);
        } catch (IOException e) {
            throw new IllegalArgumentException("a watermark record is JSON: " + e.getMessage(), e);
        }
    }

    /** Whether a change-topic record is a watermark copy written by an earlier build (not a change). */
    public static boolean isLegacyCopy(Headers headers) {
        return headers.lastHeader(LEGACY_HEADER) != null;
    }
}
