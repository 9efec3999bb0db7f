package io.cachepipe.store.redis;

import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeyGroup;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewDefinition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How arguments go to the cache's Lua scripts and replies come back: text as UTF-8, numbers as
 * decimal text, a view's change mode and warm policy by name, the Redis keys a script touches for one
 * cache key (its group's index and version key too), and the cache keys a script answers.
 */
final class ScriptCodec {
    private ScriptCodec() {
    }

    /** The keys a script about {@code key} touches: the key, and for a grouped key its group's index and version key. */
    static byte[][] keysOf(CacheKey key) {
        KeyGroup group = key.group();
        return group == null
                ? new byte[][] {bytes(key.redisKey())}
                : new byte[][] {bytes(key.redisKey()), bytes(group.indexKey()), bytes(group.versionKey())};
    }

    /** The cache keys named in a script's reply; names that are no key of {@code keys} are left out. */
    static List<CacheKey> parseKeys(KeySpace keys, List<Object> reply) {
        List<CacheKey> out = new ArrayList<>(reply.size());
        for (Object item : reply) {
            keys.parse(text(item)).ifPresent(out::add);
        }
        return out;
    }

    static byte[] mode(ViewDefinition view) {
        return bytes(view.onChange() == ViewDefinition.ChangeMode.REFRESH ? "refresh" : "invalidate");
    }

    static byte[] policy(ViewDefinition view) {
        return bytes(view.warm().name().toLowerCase(java.util.Locale.ROOT));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(long number) {
        return Long.toString(number).getBytes(StandardCharsets.UTF_8);
    }

    static String text(Object reply) {
        return reply instanceof byte[] raw ? new String(raw, StandardCharsets.UTF_8) : String.valueOf(reply);
    }
}
