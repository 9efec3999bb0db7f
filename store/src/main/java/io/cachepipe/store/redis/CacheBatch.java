package io.cachepipe.store.redis;

import static io.cachepipe.store.redis.ScriptCodec.bytes;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeyGroup;
import io.cachepipe.core.view.ViewDefinition;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Many cache operations applied together: every operation keeps exactly the version rules of its
 * single-key counterpart in {@link CacheStore} (the same Lua functions run it), but a whole batch
 * costs one script call per hash slot group ({@code batch.lua}) instead of one round trip per key.
 * On a standalone Redis that is one call per {@value #MAX_OPERATIONS_PER_CALL} operations; on Redis
 * Cluster the operations are grouped by slot, since one script may only touch keys of one slot.
 *
 * <p>Registry entries (see {@link CacheStore}) follow the same order as the single-key writes: a key
 * that may be written although it was never registered is registered before its script runs, one
 * {@code ZADD} per view for the whole batch; a row image written into a key that held no value (a
 * re-warm pending) gets a fresh expiry, and its entry is extended after the script. A row image
 * replacing a value keeps that value's expiry, within the entry it already has.
 *
 * <p>Built by {@link CacheStore#batch()}, filled by one thread, executed once.
 */
public final class CacheBatch {
    /**
     * Operations per script call: long enough to amortise the call, short enough that Redis, which runs
     * a script to its end before any other command, never keeps a reader waiting more than about a millisecond.
     */
    static final int MAX_OPERATIONS_PER_CALL = 200;
    /**
     * Script calls of one batch in flight at once: enough to keep Redis busy while answers travel back,
     * few enough that no call waits behind thousands of operations and outlives the command timeout
     * on a loaded machine (a batch of 4,000 changes is 20 calls: four lanes of five).
     */
    static final int MAX_CALLS_IN_FLIGHT = 4;

    /**
     * What one operation did.
     *
     * @param applied a value was written (write, replace) or dropped as older than the change (invalidate);
     *                always true for a group invalidation
     * @param toWarm  the keys the view's warm policy asks to re-warm after it
     */
    public record Outcome(boolean applied, List<CacheKey> toWarm) {
    }

    /** The scripts' answers: each operation's outcome, and whether it set its key's expiry (a replace into a key that held no value). */
    private record Answers(List<Outcome> outcomes, boolean[] expirySet) {
    }

    /** @param registerAfter the value to register the key for once the script set its expiry, or null */
    private record Operation(char code, ViewDefinition view, @Nullable CacheKey key, byte[][] keys, byte[][] args,
                             byte @Nullable [] registerAfter) {
    }

    private final CacheStore store;
    private final List<Operation> operations = new ArrayList<>();
    private final Map<String, List<ScoredValue<byte[]>>> registerFirst = new LinkedHashMap<>();
    private boolean executed;

    CacheBatch(CacheStore store) {
        this.store = store;
    }

    /** Invalidates one key, as {@link CacheStore#invalidate(CacheKey, Version, boolean)}. */
    public void invalidate(CacheKey key, Version version, boolean mayWarm) {
        ViewDefinition view = key.view();
        add(new Operation('i', view, key, new byte[][] {bytes(key.redisKey())},
                new byte[][] {bytes(version.hex()), ScriptCodec.mode(view), mayWarm ? ScriptCodec.policy(view) : bytes("never")}, null));
    }

    /** A row image as the key's new value, as {@link CacheStore#replace}; only for keys without a group. */
    public void replace(CacheKey key, Version version, byte[] value) {
        ViewDefinition view = key.view();
        if (key.group() != null) {
            throw new IllegalArgumentException("replace is for keys without a group: " + key);
        }
        Duration ttl = store.ttl(view, value);
        boolean always = view.warm() == ViewDefinition.WarmPolicy.ALWAYS;
        if (always) {
            registerFirst(key, value);
        }
        add(new Operation('r', view, key, new byte[][] {bytes(key.redisKey())},
                new byte[][] {bytes(version.hex()), value, ScriptCodec.bytes(ttl.toMillis()), ScriptCodec.policy(view)},
                always ? null : value));
    }

    /** Invalidates every member of a group, as {@link CacheStore#invalidateGroup}. */
    public void invalidateGroup(ViewDefinition view, KeyGroup group, Version version) {
        add(new Operation('g', view, null, new byte[][] {bytes(group.indexKey()), bytes(group.versionKey())},
                new byte[][] {bytes(version.hex()), ScriptCodec.mode(view), ScriptCodec.policy(view)}, null));
    }

    /** A version-guarded write of a loaded value, as {@link CacheStore#write}. */
    public void write(CacheKey key, Version version, byte[] value) {
        Duration ttl = store.ttl(key.view(), value);
        registerFirst(key, value);
        KeyGroup group = key.group();
        byte[][] keys = group == null ? new byte[][] {bytes(key.redisKey())}
                : new byte[][] {bytes(key.redisKey()), bytes(group.indexKey()), bytes(group.versionKey())};
        add(new Operation(group == null ? 'w' : 'W', key.view(), key, keys,
                new byte[][] {bytes(version.hex()), value, ScriptCodec.bytes(ttl.toMillis())}, null));
    }

    public int size() {
        return operations.size();
    }

    public boolean isEmpty() {
        return operations.isEmpty();
    }

    /** Runs every operation; the outcomes come in the order the operations were added. */
    public CompletionStage<List<Outcome>> execute() {
        markExecuted();
        if (operations.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        CompletableFuture<Void> registered = register(registerFirst);
        // One connection to a standalone Redis runs commands in the order they were sent: the scripts
        // may follow the registrations at once. A cluster spreads them over nodes: wait for them.
        CompletableFuture<Void> before = store.isCluster() ? registered : CompletableFuture.completedFuture(null);
        return before.thenCompose(ignored -> runScripts(false))
                .thenCombine(registered, (answers, ignored) -> answers)
                .thenCompose(answers -> register(registrationsAfter(answers.expirySet())).thenApply(ignored -> answers.outcomes()));
    }

    /**
     * Runs the batch as a Redis out of memory allows ({@code maxmemory} under {@code noeviction}, which
     * refuses every write with {@code OOM}): every invalidation as {@link #execute()} runs it, every
     * row image as an invalidation of its key (re-warmed by the view's policy once Redis takes writes
     * again), and no write at all: a write's outcome is "not applied". So no cached value outlives a
     * change while Redis is full, and memory only shrinks: a dropped value is worth many tombstones.
     * Version rules are the same as {@link #execute()}'s, so running a batch this way after a part of it
     * went through the other changes nothing twice.
     */
    public CompletionStage<List<Outcome>> executeWhenFull() {
        markExecuted();
        return runScripts(true).thenApply(Answers::outcomes);
    }

    private void markExecuted() {
        if (executed) {
            throw new IllegalStateException("a batch executes once");
        }
        executed = true;
    }

    private void add(Operation operation) {
        if (executed) {
            throw new IllegalStateException("the batch was executed already");
        }
        operations.add(operation);
    }

    private void registerFirst(CacheKey key, byte[] value) {
        registration(registerFirst, key, value);
    }

    private void registration(Map<String, List<ScoredValue<byte[]>>> into, CacheKey key, byte[] value) {
        String member = key.group() == null ? key.redisKey() : key.group().indexKey();
        into.computeIfAbsent(store.keySpace().registry(key.view()), registry -> new ArrayList<>())
                .add(ScoredValue.just(store.registryExpiry(key.view(), value), bytes(member)));
    }

    private Map<String, List<ScoredValue<byte[]>>> registrationsAfter(boolean[] expirySet) {
        Map<String, List<ScoredValue<byte[]>>> after = new LinkedHashMap<>();
        for (int i = 0; i < operations.size(); i++) {
            Operation operation = operations.get(i);
            if (operation.registerAfter() != null && operation.key() != null && expirySet[i]) {
                registration(after, operation.key(), operation.registerAfter());
            }
        }
        return after;
    }

    /** One ZADD per registry; each batch also prunes the registries it adds to, as one in 64 single registrations do. */
    private CompletableFuture<Void> register(Map<String, List<ScoredValue<byte[]>>> registrations) {
        List<CompletableFuture<Long>> added = new ArrayList<>(registrations.size() * 2);
        registrations.forEach((registry, members) -> {
            added.add(store.commands().zadd(bytes(registry), members.<ScoredValue<byte[]>>toArray(ScoredValue[]::new)).toCompletableFuture());
            added.add(store.pruneRegistry(bytes(registry)).toCompletableFuture());
        });
        return CompletableFuture.allOf(added.toArray(CompletableFuture[]::new));
    }

    /** One script call per slot group and chunk, in {@link #MAX_CALLS_IN_FLIGHT} lanes that each send their calls one after the other. */
    private CompletableFuture<Answers> runScripts(boolean whenFull) {
        Outcome[] outcomes = new Outcome[operations.size()];
        boolean[] expirySet = new boolean[operations.size()];
        List<@Nullable Operation> sent = new ArrayList<>(operations.size());
        Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < operations.size(); i++) {
            Operation operation = whenFull ? whenFull(operations.get(i)) : operations.get(i);
            sent.add(operation);
            if (operation == null) {
                outcomes[i] = new Outcome(false, List.of());
                continue;
            }
            int slot = store.isCluster() ? SlotHash.getSlot(operation.keys()[0]) : 0;
            groups.computeIfAbsent(slot, any -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> chunks = new ArrayList<>();
        for (List<Integer> group : groups.values()) {
            for (int from = 0; from < group.size(); from += MAX_OPERATIONS_PER_CALL) {
                chunks.add(group.subList(from, Math.min(group.size(), from + MAX_OPERATIONS_PER_CALL)));
            }
        }
        RedisScript script = whenFull ? RedisScript.BATCH_WHEN_FULL : RedisScript.BATCH;
        List<CompletableFuture<Void>> lanes = new ArrayList<>(MAX_CALLS_IN_FLIGHT);
        for (int lane = 0; lane < Math.min(MAX_CALLS_IN_FLIGHT, chunks.size()); lane++) {
            CompletableFuture<Void> calls = CompletableFuture.completedFuture(null);
            for (int c = lane; c < chunks.size(); c += MAX_CALLS_IN_FLIGHT) {
                List<Integer> chunk = chunks.get(c);
                calls = calls.thenCompose(previous -> call(script, chunk, sent)).thenAccept(reply -> {
                    for (int j = 0; j < chunk.size(); j++) {
                        int index = chunk.get(j);
                        Operation asked = operations.get(index);
                        Operation ran = Objects.requireNonNull(sent.get(index));
                        Outcome outcome = outcome(ran, reply.get(j));
                        // A row image run as an invalidation wrote nothing, whatever the invalidation did.
                        outcomes[index] = ran == asked ? outcome : new Outcome(false, outcome.toWarm());
                        expirySet[index] = ran.code() == 'r' && (Long) reply.get(j) == 2L;
                    }
                });
            }
            lanes.add(calls);
        }
        return CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).thenApply(done -> new Answers(List.of(outcomes), expirySet));
    }

    private CompletableFuture<List<Object>> call(RedisScript script, List<Integer> chunk, List<@Nullable Operation> sent) {
        List<byte[]> keys = new ArrayList<>(chunk.size() * 2);
        List<byte[]> args = new ArrayList<>(chunk.size() * 5 + 1);
        args.add(ScriptCodec.bytes(store.tombstoneTtl().toMillis()));
        for (int index : chunk) {
            Operation operation = Objects.requireNonNull(sent.get(index));
            keys.addAll(List.of(operation.keys()));
            args.add(new byte[] {(byte) operation.code()});
            args.addAll(List.of(operation.args()));
        }
        return script.<List<Object>>run(store.commands(), keys.toArray(byte[][]::new), args.toArray(byte[][]::new)).toCompletableFuture();
    }

    /**
     * What of an operation a Redis out of memory runs (see {@link #executeWhenFull()}): an invalidation as
     * it is; a row image as the invalidation of its key at the change's version, under the view's warm
     * policy; a write not at all (null).
     */
    private static @Nullable Operation whenFull(Operation operation) {
        return switch (operation.code()) {
            case 'w', 'W' -> null;
            case 'r' -> new Operation('i', operation.view(), operation.key(), operation.keys(),
                    new byte[][] {operation.args()[0], ScriptCodec.mode(operation.view()), operation.args()[3]}, null); // version, policy
            default -> operation;
        };
    }

    private Outcome outcome(Operation operation, Object reply) {
        return switch (operation.code()) {
            case 'i' -> {
                long code = (Long) reply;
                boolean warm = (code & 1) == 1;
                yield new Outcome(code >= 2, warm ? List.of(operation.key()) : List.of());
            }
            case 'g' -> {
                @SuppressWarnings("unchecked")
                List<Object> members = (List<Object>) reply;
                yield new Outcome(true, store.parseKeys(members));
            }
            case 'r' -> new Outcome((Long) reply >= 1L, List.of()); // 2: written with a fresh expiry
            default -> new Outcome((Long) reply == 1L, List.of());
        };
    }
}
