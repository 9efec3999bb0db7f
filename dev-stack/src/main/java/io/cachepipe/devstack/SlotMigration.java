package io.cachepipe.devstack;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One slot moving from one master to another the way {@code redis-cli --cluster reshard} moves it, step
 * by step so that clients can be made to meet it half-way: {@code CLUSTER SETSLOT IMPORTING} on the
 * target and {@code MIGRATING} on the source (from then on the source answers {@code ASK} for keys it no
 * longer holds, and {@code TRYAGAIN} for a multi-key command over keys split between the two), then
 * {@code MIGRATE} of a few keys at a time ({@link #moveKeys}), then {@code SETSLOT NODE} on the target,
 * the source and every other master ({@link #finish}; from then on the source answers {@code MOVED}).
 * Keys move without {@code REPLACE}: the target never holds a key the source still has.
 */
public final class SlotMigration {
    private static final int MIGRATE_TIMEOUT_MS = 5_000;

    private final int slot;
    private final int source;
    private final int target;
    private final String targetId;
    private final List<Integer> masters;
    private long moved;

    private SlotMigration(int slot, int source, int target, String targetId, List<Integer> masters) {
        this.slot = slot;
        this.source = source;
        this.target = target;
        this.targetId = targetId;
        this.masters = List.copyOf(masters);
    }

    static SlotMigration begin(int slot, int source, int target, List<Integer> masters) throws IOException {
        if (source == target) {
            throw new IllegalArgumentException("slot " + slot + " is served by " + target + " already");
        }
        String sourceId = RedisClusterStack.nodeId(source);
        String targetId = RedisClusterStack.nodeId(target);
        try (Resp resp = RedisClusterStack.connect(target)) {
            resp.call("CLUSTER", "SETSLOT", Integer.toString(slot), "IMPORTING", sourceId);
        }
        try (Resp resp = RedisClusterStack.connect(source)) {
            resp.call("CLUSTER", "SETSLOT", Integer.toString(slot), "MIGRATING", targetId);
        }
        return new SlotMigration(slot, source, target, targetId, masters);
    }

    /** How many keys of the slot the source still holds. */
    public long keysLeft() throws IOException {
        try (Resp resp = RedisClusterStack.connect(source)) {
            return (Long) Objects.requireNonNull(resp.call("CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot)));
        }
    }

    /** Moves up to {@code count} keys of the slot to the target in one {@code MIGRATE}; answers how many moved. */
    public int moveKeys(int count) throws IOException {
        try (Resp resp = RedisClusterStack.connect(source)) {
            List<?> keys = (List<?>) Objects.requireNonNull(resp.call("CLUSTER", "GETKEYSINSLOT", Integer.toString(slot),
                    Integer.toString(count)));
            if (keys.isEmpty()) {
                return 0;
            }
            List<String> command = new ArrayList<>(List.of("MIGRATE", Ports.LOOPBACK, Integer.toString(target), "", "0",
                    Integer.toString(MIGRATE_TIMEOUT_MS), "KEYS"));
            keys.forEach(key -> command.add(String.valueOf(key)));
            resp.call(command.toArray(String[]::new));
            moved += keys.size();
            return keys.size();
        }
    }

    /** Moves what is left and hands the slot to the target on every master; answers how many keys moved in all. */
    public long finish() throws IOException {
        while (moveKeys(100) > 0) {
            // until the source holds none
        }
        String node = targetId;
        setSlotNode(target, node);
        setSlotNode(source, node);
        for (int master : masters) {
            if (master != source && master != target) {
                setSlotNode(master, node);
            }
        }
        return moved;
    }

    private void setSlotNode(int port, String node) throws IOException {
        try (Resp resp = RedisClusterStack.connect(port)) {
            resp.call("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", node);
        }
    }

    public int slot() {
        return slot;
    }

    public int source() {
        return source;
    }

    public int target() {
        return target;
    }
}
