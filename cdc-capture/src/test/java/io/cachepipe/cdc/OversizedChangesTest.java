package io.cachepipe.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A change larger than a Kafka message keeps every value that fits, byte for byte, and loses its largest
 * values to the unavailable mark in both images, so that nobody reads them as unchanged.
 */
class OversizedChangesTest {
    /** Messages of 200 KiB: 136 KiB for an envelope once the headroom is taken. */
    private static final int LIMIT = 200 * 1024;
    private static final String MARK = "\"" + ChangeEvent.UNAVAILABLE_VALUE + "\"";
    private final OversizedChanges oversized = new OversizedChanges(LIMIT);
    private final byte[] key = bytes("{\"id\":7}");

    @Test
    void anEnvelopeThatFits_isPublishedAsItWas() {
        byte[] value = bytes(envelope("\"small\"", "\"" + "x".repeat(100_000) + "\""));
        OversizedChanges.Fitted fitted = oversized.fit(key, value);
        assertThat(fitted.value()).isSameAs(value);
        assertThat(fitted.marked()).isEmpty();
        assertThat(oversized.fit(key, null).value()).isNull();
    }

    @Test
    void theLargestValue_isMarkedInBothImages_andEveryOtherByteIsKept() throws Exception {
        String big = "\"" + "y".repeat(300_000) + "\"";
        byte[] value = bytes(envelope("\"was small\"", big));

        OversizedChanges.Fitted fitted = oversized.fit(key, value);

        assertThat(fitted.marked()).containsExactly("body");
        assertThat(fitted.value()).hasSizeLessThanOrEqualTo(LIMIT - OversizedChanges.HEADROOM_BYTES - key.length);
        assertThat(new String(fitted.value(), StandardCharsets.UTF_8)).as("the mark in the before image too: alone in the after "
                + "image it would mean 'unchanged, as before'").isEqualTo(envelope(MARK, MARK));
        JsonNode parsed = Json.mapper().readTree(fitted.value());
        assertThat(parsed.get("after").get("body").textValue()).isEqualTo(ChangeEvent.UNAVAILABLE_VALUE);
    }

    @Test
    void onlyAsManyValuesAsItTakes_areMarked_largestFirst_arraysAndObjectsToo() {
        String list = "[" + "1,".repeat(60_000) + "1]";
        String text = "\"" + "z".repeat(110_000) + "\"";
        String json = "{\"k\":\"" + "q".repeat(40_000) + "\"}";
        String value = "{\"before\":null,\"after\":{\"id\":7,\"list\":" + list + ",\"text\":" + text + ",\"doc\":" + json
                + ",\"f\":4.9E-324,\"z\":-0.0},\"op\":\"c\"}";

        OversizedChanges.Fitted fitted = oversized.fit(key, bytes(value));

        assertThat(fitted.marked()).as("120 KB of list, then 110 KB of text, into 136 KiB: the 40 KB object fits")
                .containsExactly("list", "text");
        assertThat(new String(fitted.value(), StandardCharsets.UTF_8)).isEqualTo("{\"before\":null,\"after\":{\"id\":7,\"list\":" + MARK
                + ",\"text\":" + MARK + ",\"doc\":" + json + ",\"f\":4.9E-324,\"z\":-0.0},\"op\":\"c\"}");
    }

    @Test
    void escapedAndMultiByteText_isCutAtItsQuotes() {
        String big = "\"" + "é\\\"😀\\\\".repeat(40_000) + "\"";
        String value = "{\"before\":{\"id\":7,\"body\":\"a\\\"b\"},\"after\":{\"id\":7,\"body\":" + big + ",\"tail\":\"t\"},"
                + "\"source\":{\"lsn\":42}}";

        OversizedChanges.Fitted fitted = oversized.fit(key, bytes(value));

        assertThat(new String(fitted.value(), StandardCharsets.UTF_8)).isEqualTo("{\"before\":{\"id\":7,\"body\":" + MARK + "},"
                + "\"after\":{\"id\":7,\"body\":" + MARK + ",\"tail\":\"t\"},\"source\":{\"lsn\":42}}");
    }

    private static String envelope(String before, String after) {
        return "{\"before\":{\"id\":7,\"body\":" + before + ",\"n\":1},\"after\":{\"id\":7,\"body\":" + after + ",\"n\":2},"
                + "\"source\":{\"lsn\":42,\"snapshot\":null},\"op\":\"u\",\"ts_ms\":1}";
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
