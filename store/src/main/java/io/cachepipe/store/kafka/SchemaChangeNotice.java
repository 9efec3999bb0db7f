package io.cachepipe.store.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.core.change.TableName;
import io.cachepipe.core.change.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * A table's definition changed: an {@code ALTER TABLE} can rewrite every row without a change event
 * ({@code ALTER COLUMN ... TYPE ... USING ...}), or change how its values render ({@code numeric(12,2)}
 * to {@code numeric(14,4)}), and a value cached before it is then not what the database holds. cachepipe's
 * event trigger (see cdc-capture's {@code SchemaChangeTrigger}) writes a transactional logical decoding
 * message with prefix {@value #MESSAGE_PREFIX} for each altered table; cdc-capture passes it on to the
 * invalidator on the watermark topic, under its own key, and the invalidator drops the values of every
 * view that reads the table. An altered type or domain may be any table's: it names none, and every view
 * drops its values.
 *
 * @param table   the altered table; null when a type or domain changed
 * @param version the message's position in the WAL: the change's version
 */
public record SchemaChangeNotice(@Nullable TableName table, Version version) {
    /** The logical decoding message prefix of the event trigger. */
    public static final String MESSAGE_PREFIX = "cachepipe.schema";
    /** The record key on the watermark topic. */
    public static final byte[] KEY = "schema-changed".getBytes(StandardCharsets.UTF_8);

    /** Whether a watermark-topic record with this key is a notice. */
    public static boolean isNotice(byte @Nullable [] key) {
        return key != null && Arrays.equals(key, KEY);
    }

    /**
     * The notice a Debezium message event carries: the event trigger's message, whose content is
     * {@code {"schema": ..., "table": ...}} or {@code {"all": true}}; null when the event is another message.
     */
    public static @Nullable SchemaChangeNotice ofMessage(ObjectMapper json, byte @Nullable [] value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode event = json.readTree(value);
            JsonNode message = event.path("message");
            long lsn = event.path("source").path("lsn").asLong(-1);
            if (!MESSAGE_PREFIX.equals(message.path("prefix").asText()) || lsn <= 0) {
                return null;
            }
            JsonNode content = json.readTree(Base64.getDecoder().decode(message.path("content").asText()));
            return new SchemaChangeNotice(tableOf(content), new Version(lsn));
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    public byte[] encode(ObjectMapper json) {
        ObjectNode node = json.createObjectNode().put("version", version.hex());
        if (table == null) {
            node.put("all", true);
        } else {
            node.put("schema", table.schema()).put("table", table.table());
        }
        try {
            return json.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the schema change of " + table, e);
        }
    }

    /** Reads a notice; throws {@link IllegalArgumentException} saying what is wrong. */
    public static SchemaChangeNotice decode(ObjectMapper json, byte @Nullable [] value) {
        if (value == null) {
            throw new IllegalArgumentException("a schema change notice has a value");
        }
        try {
            JsonNode node = json.readTree(value);
            return new SchemaChangeNotice(tableOf(node), Version.parse(node.path("version").asText()));
        } catch (IOException e) {
            throw new IllegalArgumentException("a schema change notice is JSON: " + e.getMessage(), e);
        }
    }

    private static @Nullable TableName tableOf(JsonNode node) {
        if (node.path("all").asBoolean(false)) {
            return null;
        }
        if (!node.path("schema").isTextual() || !node.path("table").isTextual()) {
            throw new IllegalArgumentException("a schema change names \"schema\" and \"table\", or \"all\": " + node);
        }
        return new TableName(node.path("schema").asText(), node.path("table").asText());
    }
}
