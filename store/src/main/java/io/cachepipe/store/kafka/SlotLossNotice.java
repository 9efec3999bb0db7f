package io.cachepipe.store.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * What cdc-capture tells the invalidator when the replication slot it streamed from lost changes (the
 * slot was dropped, invalidated, or moved past the position cdc-capture had stored): the changes in
 * between are unknown, so every cached value of every view must go. It travels on the watermark topic
 * ({@link Topics#watermarks()}), under its own key, sent only once the new slot exists: every change
 * after the flush it asks for is captured.
 *
 * @param slot      the slot's name
 * @param reason    what was found, in words
 * @param storedLsn the position cdc-capture had stored, PostgreSQL's notation ({@code 0/16B3748}), or "none"
 * @param resumedAt the new slot's first position, from which changes are captured again
 * @param at        when cdc-capture found it
 */
public record SlotLossNotice(String slot, String reason, String storedLsn, String resumedAt, Instant at) {
    /** The record key on the watermark topic; a watermark's key is {@code watermark}. */
    public static final byte[] KEY = "slot-lost".getBytes(StandardCharsets.UTF_8);

    /** Whether a watermark-topic record with this key is a notice. */
    public static boolean isNotice(byte @Nullable [] key) {
        return key != null && Arrays.equals(key, KEY);
    }

    public byte[] encode(ObjectMapper json) {
        try {
            return json.writeValueAsBytes(json.createObjectNode().put("slotLost", slot).put("reason", reason)
                    .put("storedLsn", storedLsn).put("resumedAt", resumedAt).put("at", at.toEpochMilli()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the slot loss notice of " + slot, e);
        }
    }

    /** Reads a notice; throws {@link IllegalArgumentException} saying what is wrong. */
    public static SlotLossNotice decode(ObjectMapper json, byte @Nullable [] value) {
        if (value == null) {
            throw new IllegalArgumentException("a slot loss notice has a value");
        }
        try {
            JsonNode node = json.readTree(value);
            if (!node.path("slotLost").isTextual()) {
                throw new IllegalArgumentException("a slot loss notice names its slot in \"slotLost\"");
            }
            return new SlotLossNotice(node.path("slotLost").asText(), node.path("reason").asText(), node.path("storedLsn").asText(),
                    node.path("resumedAt").asText(), Instant.ofEpochMilli(node.path("at").asLong()));
        } catch (IOException e) {
            throw new IllegalArgumentException("a slot loss notice is JSON: " + e.getMessage(), e);
        }
    }
}
