package io.cachepipe.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The near-cache invalidation channel: after the invalidator has applied a change in Redis it
 * publishes what the change touched, and every API instance drops those entries from its in-process
 * cache. Messages carry a sequence number; a gap means a message was missed and the whole near
 * cache must go.
 *
 * <p>Payload lines: {@code k <redis key>} one key, {@code g <group index>} every key of a group,
 * {@code *} everything (whole-view invalidations, flushes).
 */
public final class NearCacheMessages {
    /** One parsed message. */
    public record Message(long sequence, List<String> keys, List<String> groups, boolean everything) {
    }

    private NearCacheMessages() {
    }

    public static String payload(List<String> keys, List<String> groups, boolean everything) {
        if (everything) {
            return "*";
        }
        var text = new StringBuilder();
        keys.forEach(key -> text.append(text.isEmpty() ? "" : "\n").append("k ").append(key));
        groups.forEach(group -> text.append(text.isEmpty() ? "" : "\n").append("g ").append(group));
        return text.toString();
    }

    public static Message parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        String[] lines = text.split("\n");
        long sequence = Long.parseLong(lines[0].strip());
        List<String> keys = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        boolean everything = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.equals("*")) {
                everything = true;
            } else if (line.startsWith("k ")) {
                keys.add(line.substring(2));
            } else if (line.startsWith("g ")) {
                groups.add(line.substring(2));
            }
        }
        return new Message(sequence, keys, groups, everything);
    }
}
