package io.cachepipe.store.redis;

import static io.cachepipe.store.redis.ScriptCodec.bytes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.view.ViewDefinition;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Tells a cache that lost what it held from one that never held anything. Both look empty; only
 * the first means the audit had keys to expect, and a rebuild to suggest.
 *
 * <p>The invalidator keeps a sentinel key in the namespace ({@code <namespace>#sentinel}, no TTL) and
 * {@link #check() checks} it every second. Gone after it was seen, it says Redis lost the namespace: a
 * {@code FLUSHALL}, a restart without persistence, a failover to an empty replica. The check then
 * records the loss ({@code <namespace>#lost}: when, by Redis' clock, and how many entries each view's
 * registry named at the check before) and sets the sentinel again. The record expires once every value
 * from before the loss would have expired anyway (the catalog's longest TTL, jitter included, plus the
 * tombstone TTL), and a rebuild of every view that started after the loss removes it
 * ({@link #rebuildStarting()}, {@link #rebuilt}).
 *
 * <p>Not noticed: a loss while no invalidator runs, and on Redis Cluster the loss of a shard that does
 * not hold the sentinel; the audit still sees that one, as registry entries whose keys are gone.
 */
public final class CacheLoss {
    /**
     * A recorded loss.
     *
     * @param at         when it was noticed, by Redis' clock
     * @param registered how many entries each view's registry named just before (a pattern view counts groups)
     */
    public record Loss(Instant at, Map<String, Long> registered) {
        public Loss {
            registered = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(registered));
        }

        public long total() {
            return registered.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** What one {@link #check()} found. */
    public enum Check {
        /** The first check of this watcher found no sentinel and set one: nothing to compare with yet. */
        FIRST,
        PRESENT,
        /** The sentinel this watcher saw before is gone: the loss is recorded. */
        LOST,
        UNREACHABLE
    }

    private final RedisClusterAsyncCommands<byte[], byte[]> redis;
    private final List<ViewDefinition> views;
    private final byte[] sentinel;
    private final byte[] record;
    private final List<byte[]> registries = new ArrayList<>();
    private final Duration recordLife;
    private final ObjectMapper json = Json.mapper();
    private boolean seen;
    private Map<String, Long> lastRegistered = Map.of();

    public CacheLoss(CacheStore store) {
        this.redis = store.commands();
        this.views = store.keySpace().catalog().views();
        this.sentinel = bytes(store.keySpace().sentinel());
        this.record = bytes(store.keySpace().lossRecord());
        views.forEach(view -> registries.add(bytes(store.keySpace().registry(view))));
        this.recordLife = longestValueLife(views).plus(store.tombstoneTtl());
    }

    /** One check, for a schedule (one thread: the watcher remembers what it saw). */
    public synchronized Check check() {
        try {
            long now = join(serverMillis());
            if (join(redis.exists(sentinel)) == 1L) {
                seen = true;
                lastRegistered = join(registered());
                return Check.PRESENT;
            }
            Check found = seen ? Check.LOST : Check.FIRST;
            if (found == Check.LOST) {
                join(redis.set(record, json.writeValueAsBytes(Map.of("at", now, "registered", lastRegistered)),
                        SetArgs.Builder.px(recordLife.toMillis())));
            }
            join(redis.set(sentinel, bytes("1")));
            seen = true;
            lastRegistered = join(registered());
            return found;
        } catch (RuntimeException | JsonProcessingException e) {
            return Check.UNREACHABLE;
        }
    }

    /** The loss on record, if Redis lost the namespace and no rebuild of every view has run since. */
    public CompletionStage<Optional<Loss>> recorded() {
        return redis.get(record).thenApply(raw -> raw == null ? Optional.<Loss>empty() : Optional.of(parse(raw)));
    }

    /**
     * Called as a rebuild of every view starts: sets the sentinel (whatever was lost before now, this
     * rebuild refills) and answers Redis' time, to hand to {@link #rebuilt} when it is done.
     */
    public CompletionStage<Long> rebuildStarting() {
        return redis.set(sentinel, bytes("1")).thenCompose(ok -> serverMillis());
    }

    /** Called when that rebuild is done: removes the record of a loss noticed before it started, not one noticed since. */
    public CompletionStage<Boolean> rebuilt(long startedAt) {
        return RedisScript.CLEAR_LOSS.<Long>run(redis, new byte[][] {record}, bytes(Long.toString(startedAt)))
                .thenApply(removed -> removed == 1L);
    }

    private CompletionStage<Long> serverMillis() {
        return redis.time().thenApply(time -> Long.parseLong(text(time.get(0))) * 1000 + Long.parseLong(text(time.get(1))) / 1000);
    }

    private CompletionStage<Map<String, Long>> registered() {
        List<CompletableFuture<Long>> sizes = registries.stream().map(registry -> redis.zcard(registry).toCompletableFuture()).toList();
        return CompletableFuture.allOf(sizes.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<String, Long> out = new LinkedHashMap<>();
            for (int i = 0; i < views.size(); i++) {
                out.put(views.get(i).name(), sizes.get(i).join());
            }
            return out;
        });
    }

    private Loss parse(byte[] raw) {
        try {
            JsonNode node = json.readTree(raw);
            Map<String, Long> registered = new LinkedHashMap<>();
            node.path("registered").properties().forEach(entry -> registered.put(entry.getKey(), entry.getValue().asLong()));
            return new Loss(Instant.ofEpochMilli(node.path("at").asLong()), registered);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable loss record " + text(record) + ": " + e.getMessage(), e);
        }
    }

    /** The longest any value lives: the longest TTL with its jitter, or negative TTL. */
    private static Duration longestValueLife(List<ViewDefinition> views) {
        Duration longest = Duration.ZERO;
        for (ViewDefinition view : views) {
            Duration ttl = view.ttl().plusMillis((long) Math.ceil(view.ttl().toMillis() * view.ttlJitter()));
            longest = max(longest, max(ttl, view.negativeTtl()));
        }
        return longest;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String text(byte[] raw) {
        return new String(raw, StandardCharsets.UTF_8);
    }

    private static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }
}
