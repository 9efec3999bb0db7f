package io.cachepipe.store.kafka;

import io.cachepipe.core.change.TableName;

/**
 * Every topic name cachepipe uses, derived from one prefix so that two deployments can share a
 * cluster: change topics {@code <prefix>.<schema>.<table>} (Debezium's own naming), and the
 * pipeline's {@code <prefix>.warm}, {@code <prefix>.dead-letter}, {@code <prefix>.watermarks},
 * {@code <prefix>.slot-losses}, {@code <prefix>.cdc-offsets} and {@code <prefix>.cdc-notifications}.
 * Change topic names have three dot-separated parts, pipeline topics two, so they cannot collide.
 */
public record Topics(String prefix) {
    /** Kafka's longest topic name, at which Debezium cuts a change topic's. */
    private static final int MAX_TOPIC_NAME = 249;

    /**
     * The table's change topic, named as Debezium names it: a character Kafka does not allow in a topic name
     * (a space, a quote, a letter outside ASCII) becomes {@code _}, and the name is cut at 249 characters.
     */
    public String change(TableName table) {
        String name = prefix + "." + table.schema() + "." + table.table();
        var topic = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean allowed = c == '.' || c == '_' || c == '-' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            topic.append(allowed ? c : '_');
        }
        return topic.length() > MAX_TOPIC_NAME ? topic.substring(0, MAX_TOPIC_NAME) : topic.toString();
    }

    public String warm() {
        return prefix + ".warm";
    }

    public String deadLetter() {
        return prefix + ".dead-letter";
    }

    public String cdcOffsets() {
        return prefix + ".cdc-offsets";
    }

    /**
     * Debezium's notifications (its {@code sink} channel: incremental snapshot started, table scanned with
     * the rows read, completed), published by cdc-capture; {@code cachepipe resnapshot} waits on them.
     */
    public String cdcNotifications() {
        return prefix + ".cdc-notifications";
    }

    /**
     * Watermarks with the change-topic end offsets they stand for, published by cdc-capture and recorded
     * in Redis by the invalidator ({@link Watermarks}): change topics carry change envelopes only.
     */
    public String watermarks() {
        return prefix + ".watermarks";
    }

    /**
     * Every replication slot loss cdc-capture recovered from, the latest {@link SlotLossNotice} per slot in a
     * compacted topic ({@link SlotLossHistory}): changes committed before a loss may be missing from the change
     * topics for good, which a rebuild must know however long ago it was.
     */
    public String slotLosses() {
        return prefix + ".slot-losses";
    }

    /** Where Debezium routes logical decoding messages (watermarks); cdc-capture does not publish them as they are. */
    public String message() {
        return prefix + ".message";
    }

    public String heartbeat() {
        return "__debezium-heartbeat." + prefix;
    }
}
