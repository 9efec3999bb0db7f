package io.cachepipe.store.redis;

import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewDefinition;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.Range;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Finds the cached keys of a view the way invalidation does: through the view's registry (its keys,
 * or for pattern views its group indexes and their members), so the cost is in proportion to the
 * view's keys, never to the keyspace. {@link #scan} walks the keyspace with {@code SCAN}: the
 * operator's explicit last resort, for keys the registries lost (e.g. after a partial restore).
 */
public final class ViewKeys {
    private final RedisClusterAsyncCommands<byte[], byte[]> redis;
    private final KeySpace keys;

    public ViewKeys(RedisClusterAsyncCommands<byte[], byte[]> redis, KeySpace keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public ViewKeys(CacheStore store) {
        this(store.connector().commands(), store.keySpace());
    }

    /** How many of the view's registered entries have not expired at {@code nowMillis} (for a pattern view: over its groups). */
    public long live(ViewDefinition view, long nowMillis) {
        byte[] registry = keys.registry(view).getBytes(StandardCharsets.UTF_8);
        Range<Double> unexpired = Range.create((double) nowMillis, Double.POSITIVE_INFINITY);
        if (!view.hasPatternSources()) {
            return redis.zcount(registry, unexpired).toCompletableFuture().join();
        }
        long live = 0;
        for (byte[] group : redis.zrangebyscore(registry, unexpired).toCompletableFuture().join()) {
            live += redis.zcount(group, unexpired).toCompletableFuture().join();
        }
        return live;
    }

    /** Keys of the view named by its registry, filtered by a glob over the key without namespace and braces. */
    public List<String> registered(ViewDefinition view, @Nullable String glob) {
        Pattern filter = glob == null ? null : globToRegex(glob);
        Set<String> out = new LinkedHashSet<>();
        for (byte[] member : join(redis.zrange(bytes(keys.registry(view)), 0, -1))) {
            String name = text(member);
            if (view.hasPatternSources()) {
                for (byte[] key : join(redis.zrange(member, 0, -1))) {
                    add(out, text(key), filter);
                }
            } else {
                add(out, name, filter);
            }
        }
        return new ArrayList<>(out);
    }

    /** Keys of the view found by {@code SCAN} over this namespace (never {@code KEYS}). */
    public List<String> scan(ViewDefinition view, @Nullable String glob) {
        Pattern filter = glob == null ? null : globToRegex(glob);
        List<String> out = new ArrayList<>();
        ScanArgs args = ScanArgs.Builder.matches(keys.namespace() + "*").limit(1000);
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<byte[]> page = join(redis.scan(cursor, args));
            for (byte[] raw : page.getKeys()) {
                String key = text(raw);
                if (key.contains("#")) {
                    continue;
                }
                keys.parse(key).filter(parsed -> parsed.view().name().equals(view.name())).ifPresent(parsed -> add(out, key, filter));
            }
            cursor = page;
        } while (!cursor.isFinished());
        return out;
    }

    /** The parsed keys (unknown or foreign keys are skipped). */
    public List<CacheKey> parse(List<String> redisKeys) {
        List<CacheKey> out = new ArrayList<>(redisKeys.size());
        redisKeys.forEach(key -> keys.parse(key).ifPresent(out::add));
        return out;
    }

    private void add(java.util.Collection<String> out, String key, @Nullable Pattern filter) {
        if (filter == null || filter.matcher(relative(key)).matches()) {
            out.add(key);
        }
    }

    /** {@code cp:{category:3}:products:page:1} → {@code category:3:products:page:1}: what an operator types. */
    String relative(String key) {
        String rest = key.startsWith(keys.namespace()) ? key.substring(keys.namespace().length()) : key;
        return rest.replace("{", "").replace("}", "");
    }

    /** A Redis-style glob ({@code *}, {@code ?}, {@code [abc]}) as a regular expression. */
    static Pattern globToRegex(String glob) {
        var regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                case '[' -> {
                    int close = glob.indexOf(']', i + 1);
                    if (close < 0) {
                        regex.append("\\[");
                    } else {
                        regex.append('[').append(glob, i + 1, close).append(']');
                        i = close;
                    }
                }
                case '\\' -> {
                    if (i + 1 < glob.length()) {
                        regex.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
                    }
                }
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] raw) {
        return new String(raw, StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unused")
    private static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
