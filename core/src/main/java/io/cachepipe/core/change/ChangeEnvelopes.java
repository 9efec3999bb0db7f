package io.cachepipe.core.change;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reads Debezium's JSON change envelope (schemas disabled, or the {@code schema}/{@code payload}
 * wrapping) into a {@link ChangeEvent}. One streaming pass: the row images become trees, since views
 * bind and render their columns, but the {@code source} block, two thirds of an envelope's fields,
 * is read field by field and what is not needed is skipped, not built. Every change of the pipeline
 * and of a rebuild goes through here.
 */
public final class ChangeEnvelopes {
    private final ObjectMapper json;
    /**
     * Row images read with JSON fractions as doubles, whatever {@code json} does: Debezium writes a JSON
     * fraction only for {@code float4}/{@code float8} (numeric comes as text, {@code decimal.handling.mode=string}),
     * printed from a double, so a double reads it back exactly, and only a double keeps the sign of
     * {@code -0.0}, which a BigDecimal drops.
     */
    private final ObjectReader images;

    public ChangeEnvelopes(ObjectMapper json) {
        this.json = json;
        this.images = json.readerFor(JsonNode.class).without(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    /** What an envelope is made of, gathered while streaming over it. */
    private static final class Fields {
        @Nullable String op;
        @Nullable ObjectNode before;
        @Nullable ObjectNode after;
        boolean hasSource;
        @Nullable String schema;
        @Nullable String table;
        long lsn = -1;
        long commitTimeMs;
        @Nullable String sequence;
    }

    /**
     * Parses one change record. Returns null for a delete tombstone (a null value that exists only
     * for log compaction): it carries nothing the delete event before it did not.
     */
    public @Nullable ChangeEvent parse(byte @Nullable [] key, byte @Nullable [] value) throws MalformedChangeException {
        if (value == null || value.length == 0) {
            return null;
        }
        var fields = new Fields();
        try (JsonParser parser = json.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedChangeException("record value is not a JSON object");
            }
            readEnvelope(parser, fields);
        } catch (ImageNotAnObject e) {
            throw new MalformedChangeException(e.reason);
        } catch (IOException e) {
            throw new MalformedChangeException("record value is not JSON: " + e.getMessage(), e);
        }
        if (!fields.hasSource) {
            throw new MalformedChangeException("no 'source' block: not a Debezium change envelope");
        }
        String code = required(fields.op, "op");
        ChangeOp op = ChangeOp.ofCode(code);
        if (op == null) {
            throw new MalformedChangeException("unknown operation '" + code + "' (expected c, u, d, r or t)");
        }
        TableName table = new TableName(required(fields.schema, "schema"), required(fields.table, "table"));
        long[] sequence = sequence(fields.sequence);
        boolean positionFromSequence = fields.lsn <= 0;
        long lsn = positionFromSequence ? sequence[1] : fields.lsn;
        if (lsn <= 0) {
            throw new MalformedChangeException("source.lsn is missing or not positive, and source.sequence names no position either");
        }
        long version = sequence[0] > 0 ? sequence[0] : lsn;
        ObjectNode keyNode = key == null || key.length == 0 ? null : key(key);
        return new ChangeEvent(table, op, keyNode, fields.before, fields.after,
                new Version(positionFromSequence ? version - 1 : version), lsn, fields.commitTimeMs);
    }

    /** The envelope's fields, the parser on its opening brace; a {@code payload} object is the envelope itself. */
    private void readEnvelope(JsonParser parser, Fields fields) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            switch (name) {
                case "op" -> fields.op = token == JsonToken.VALUE_STRING ? parser.getText() : null;
                case "before" -> fields.before = image(parser, token, "before");
                case "after" -> fields.after = image(parser, token, "after");
                case "source" -> readSource(parser, token, fields);
                case "payload" -> {
                    if (token == JsonToken.START_OBJECT) {
                        readEnvelope(parser, fields);
                    } else {
                        parser.skipChildren();
                    }
                }
                default -> parser.skipChildren();
            }
        }
    }

    private void readSource(JsonParser parser, JsonToken token, Fields fields) throws IOException {
        if (token != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return;
        }
        fields.hasSource = true;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "schema" -> fields.schema = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                case "table" -> fields.table = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                case "lsn" -> fields.lsn = value == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : -1;
                case "ts_ms" -> fields.commitTimeMs = value == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : 0;
                case "sequence" -> fields.sequence = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                default -> parser.skipChildren();
            }
        }
    }

    private @Nullable ObjectNode image(JsonParser parser, JsonToken token, String what) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.START_OBJECT) {
            parser.skipChildren();
            throw new ImageNotAnObject("'" + what + "' is not an object");
        }
        return images.readTree(parser);
    }

    /** Thrown through the parse loop, which only declares I/O failures, and reported as a malformed record. */
    private static final class ImageNotAnObject extends IOException {
        final String reason;

        ImageNotAnObject(String reason) {
            super(reason);
            this.reason = reason;
        }
    }

    private ObjectNode key(byte[] key) throws MalformedChangeException {
        JsonNode node;
        try {
            node = json.readTree(key);
        } catch (IOException e) {
            throw new MalformedChangeException("record key is not JSON: " + e.getMessage(), e);
        }
        if (node == null || node.isMissingNode()) {
            throw new MalformedChangeException("record key is empty");
        }
        if (!node.isObject()) {
            throw new MalformedChangeException("'key' is not an object");
        }
        return (ObjectNode) node;
    }

    /**
     * {@code source.sequence} is {@code ["<end LSN of the previous commit>", "<this LSN>"]}; answers both, 0
     * for what it does not name. The first element is null only before the connector has seen any commit;
     * then the change's own LSN, which is below its commit and above everything before, keeps the order.
     *
     * <p>An incremental snapshot's read events ({@code cachepipe resnapshot}) have no {@code source.lsn}:
     * Debezium emits them from the streaming position where the snapshot window closed, and names that
     * position only here. Their version is one below the end of the commit before that position: above
     * every change the re-read row could predate (a change inside the window drops the row from the
     * snapshot), so the read replaces what a lost change left stale; and below every change streamed
     * after it, even one carrying the same position, whose invalidation still wins (a value is served
     * while its version is not below the key's newest invalidation).
     */
    private long[] sequence(@Nullable String sequence) throws MalformedChangeException {
        long[] positions = new long[2];
        if (sequence == null) {
            return positions;
        }
        if (SequenceText.read(sequence, positions)) {
            return positions;
        }
        JsonNode parsed;
        try {
            parsed = json.readTree(sequence);
        } catch (IOException e) {
            throw new MalformedChangeException("source.sequence is not JSON: " + e.getMessage(), e);
        }
        if (parsed == null || !parsed.isArray()) {
            return positions;
        }
        for (int i = 0; i < 2 && i < parsed.size(); i++) {
            JsonNode position = parsed.get(i);
            if (position != null && !position.isNull()) {
                try {
                    positions[i] = Math.max(0, Long.parseLong(position.asText()));
                } catch (NumberFormatException e) {
                    throw new MalformedChangeException("source.sequence[" + i + "] is not an LSN: " + position);
                }
            }
        }
        return positions;
    }

    private static String required(@Nullable String value, String field) throws MalformedChangeException {
        if (value == null || value.isEmpty()) {
            throw new MalformedChangeException("field '" + field + "' is missing or not text");
        }
        return value;
    }
}
