package io.cachepipe.core.change;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.core.view.TableName;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/** Reads Debezium's JSON change envelope (schemas disabled) into a {@link ChangeEvent}. */
public final class ChangeEnvelopes {
    private final ObjectMapper json;

    public ChangeEnvelopes(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Parses one change record. Returns null for a delete tombstone (a null value that exists only
     * for log compaction): it carries nothing the delete event before it did not.
     */
    public @Nullable ChangeEvent parse(byte @Nullable [] key, byte @Nullable [] value) throws MalformedChangeException {
        if (value == null || value.length == 0) {
            return null;
        }
        JsonNode envelope = read(value, "value");
        if (envelope.has("payload") && envelope.has("schema")) {
            envelope = envelope.get("payload");
        }
        JsonNode source = envelope.get("source");
        if (source == null || !source.isObject()) {
            throw new MalformedChangeException("no 'source' block: not a Debezium change envelope");
        }
        ChangeOp op;
        try {
            op = ChangeOp.ofCode(text(envelope, "op"));
        } catch (IllegalArgumentException e) {
            throw new MalformedChangeException(e.getMessage());
        }
        TableName table = new TableName(text(source, "schema"), text(source, "table"));
        long lsn = source.path("lsn").asLong(-1);
        if (lsn <= 0) {
            throw new MalformedChangeException("source.lsn is missing or not positive");
        }
        ObjectNode keyNode = key == null || key.length == 0 ? null : object(read(key, "key"), "key");
        return new ChangeEvent(table, op, keyNode, object(envelope.get("before"), "before"), object(envelope.get("after"), "after"),
                version(source, lsn), lsn, source.path("ts_ms").asLong(0));
    }

    /**
     * {@code source.sequence} is {@code ["<end LSN of the previous commit>", "<this LSN>"]}. The first
     * element is null only before the connector has seen any commit; then the change's own LSN, which
     * is below its commit and above everything before, keeps the order.
     */
    private Version version(JsonNode source, long lsn) throws MalformedChangeException {
        JsonNode sequence = source.get("sequence");
        if (sequence != null && sequence.isTextual()) {
            JsonNode parsed = read(sequence.textValue().getBytes(java.nio.charset.StandardCharsets.UTF_8), "source.sequence");
            JsonNode lastCommit = parsed.isArray() && !parsed.isEmpty() ? parsed.get(0) : null;
            if (lastCommit != null && !lastCommit.isNull()) {
                try {
                    long value = Long.parseLong(lastCommit.asText());
                    if (value > 0) {
                        return new Version(value);
                    }
                } catch (NumberFormatException e) {
                    throw new MalformedChangeException("source.sequence[0] is not an LSN: " + lastCommit);
                }
            }
        }
        return new Version(lsn);
    }

    private JsonNode read(byte[] bytes, String what) throws MalformedChangeException {
        try {
            JsonNode node = json.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new MalformedChangeException("record " + what + " is empty");
            }
            return node;
        } catch (IOException e) {
            throw new MalformedChangeException("record " + what + " is not JSON: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) throws MalformedChangeException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
            throw new MalformedChangeException("field '" + field + "' is missing or not text");
        }
        return value.textValue();
    }

    private static @Nullable ObjectNode object(@Nullable JsonNode node, String what) throws MalformedChangeException {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new MalformedChangeException("'" + what + "' is not an object");
        }
        return (ObjectNode) node;
    }
}
