package io.cachepipe.cdc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.cachepipe.core.change.ChangeEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Changes larger than one Kafka message, made to fit. PostgreSQL stores a value of up to 1 GB; Kafka
 * takes a message of at most {@link io.cachepipe.store.kafka.TopicAdmin#MAX_CHANGE_MESSAGE_BYTES}. Refused by the producer, such a
 * change stopped cdc-capture, which restarted into the same change, for good: every later change
 * waited behind it and the cache stayed stale.
 *
 * <p>Its largest column values are replaced, in the before and the after image alike, by the mark
 * Debezium gives an unchanged TOAST value it did not receive ({@link ChangeEvent#UNAVAILABLE_VALUE}),
 * until the envelope fits. Every consumer already treats that mark as "not in this change": a row
 * image holding it is refused and its keys are loaded from PostgreSQL, and a column a view binds
 * that holds it in both images widens the invalidation to the whole view. Marking both images
 * matters: a mark in the after image alone would be read as "unchanged, as in the before image".
 * Every other byte of the envelope is kept as Debezium's converter wrote it.
 */
final class OversizedChanges {
    /** Room left in a message for its key, the record's own framing and the batch around it. */
    static final int HEADROOM_BYTES = 64 * 1024;
    private static final Set<String> IMAGES = Set.of("before", "after");
    private static final byte[] MARK = ("\"" + ChangeEvent.UNAVAILABLE_VALUE + "\"").getBytes(StandardCharsets.UTF_8);
    /** Debezium's converter writes what PostgreSQL holds: strings as long as the message itself. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build()).build();

    private final int maxMessageBytes;

    OversizedChanges(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /** A change envelope that fits, and the columns marked unavailable to make it fit (none when it fitted as it was). */
    record Fitted(byte @Nullable [] value, List<String> marked) {
    }

    /** The envelope as it was when it fits a message with its key, otherwise with its largest values marked. */
    Fitted fit(byte @Nullable [] key, byte @Nullable [] value) {
        int budget = maxMessageBytes - HEADROOM_BYTES - (key == null ? 0 : key.length);
        if (value == null || value.length <= budget) {
            return new Fitted(value, List.of());
        }
        Map<String, List<long[]>> spans = valueSpans(value);
        List<Map.Entry<String, List<long[]>>> largestFirst = new ArrayList<>(spans.entrySet());
        largestFirst.sort(Comparator.comparingLong((Map.Entry<String, List<long[]>> column) -> bytes(column.getValue())).reversed());
        long size = value.length;
        List<String> marked = new ArrayList<>();
        for (Map.Entry<String, List<long[]>> column : largestFirst) {
            if (size <= budget) {
                break;
            }
            marked.add(column.getKey());
            size -= bytes(column.getValue()) - (long) MARK.length * column.getValue().size();
        }
        if (size > budget) {
            throw new IllegalStateException("a change of " + value.length + " bytes does not fit a Kafka message of " + maxMessageBytes
                    + " bytes even with every column value marked unavailable");
        }
        return new Fitted(splice(value, spans, Set.copyOf(marked)), marked);
    }

    /** Where each column's value lies in the envelope's bytes: one span per image holding the column. */
    private static Map<String, List<long[]>> valueSpans(byte[] value) {
        Map<String, List<long[]>> spans = new LinkedHashMap<>();
        try (JsonParser in = JSON.createParser(value)) {
            if (in.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a change envelope is a JSON object");
            }
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                String field = in.currentName();
                if (in.nextToken() == JsonToken.START_OBJECT && IMAGES.contains(field)) {
                    while (in.nextToken() == JsonToken.FIELD_NAME) {
                        String column = in.currentName();
                        in.nextToken();
                        long start = in.currentTokenLocation().getByteOffset();
                        in.skipChildren();
                        in.finishToken(); // a string's text is read lazily: read it, so that the location is past it
                        spans.computeIfAbsent(column, c -> new ArrayList<>()).add(new long[] {start, in.currentLocation().getByteOffset()});
                    }
                } else {
                    in.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return spans;
    }

    private static long bytes(List<long[]> spans) {
        return spans.stream().mapToLong(span -> span[1] - span[0]).sum();
    }

    private static byte[] splice(byte[] value, Map<String, List<long[]>> spans, Set<String> marked) {
        List<long[]> cut = spans.entrySet().stream().filter(entry -> marked.contains(entry.getKey()))
                .flatMap(entry -> entry.getValue().stream()).sorted(Comparator.comparingLong(span -> span[0])).toList();
        var out = new ByteArrayOutputStream(value.length / 2);
        int from = 0;
        for (long[] span : cut) {
            out.write(value, from, (int) span[0] - from);
            out.writeBytes(MARK);
            from = (int) span[1];
        }
        out.write(value, from, value.length - from);
        return out.toByteArray();
    }
}
