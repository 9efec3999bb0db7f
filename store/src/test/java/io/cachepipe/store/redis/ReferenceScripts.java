package io.cachepipe.store.redis;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeyGroup;
import io.cachepipe.core.view.ViewDefinition;
import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The single-key scripts as they were before batching (test resources {@code reference/}), applied
 * with the very arguments {@link CacheStore} gives its own: the oracle the leaner batched functions
 * are checked against, so that making the scripts cheaper can never change what they leave in Redis.
 */
final class ReferenceScripts {
    private final CacheStore store;

    ReferenceScripts(CacheStore store) {
        this.store = store;
    }

    List<CacheKey> invalidate(CacheKey key, Version version, boolean mayWarm) {
        ViewDefinition view = key.view();
        List<Object> reply = run("invalidate.lua", ScriptOutputType.MULTI, new byte[][] {bytes(key.redisKey())},
                bytes(version.hex()), ScriptCodec.mode(view), ScriptCodec.bytes(store.tombstoneTtl().toMillis()),
                mayWarm ? ScriptCodec.policy(view) : bytes("never"));
        return (Long) reply.get(1) == 1L ? List.of(key) : List.of();
    }

    void replace(CacheKey key, Version version, byte[] value) {
        ViewDefinition view = key.view();
        var ttl = store.ttl(view, value);
        boolean always = view.warm() == ViewDefinition.WarmPolicy.ALWAYS;
        if (always) {
            register(key, value);
        }
        long written = run("replace.lua", ScriptOutputType.INTEGER, new byte[][] {bytes(key.redisKey())}, bytes(version.hex()), value,
                ScriptCodec.bytes(ttl.toMillis()), ScriptCodec.bytes(store.tombstoneTtl().toMillis()), ScriptCodec.policy(view));
        if (written == 2L && !always) { // 2: the key held no value and got a fresh expiry
            register(key, value);
        }
    }

    void write(CacheKey key, Version version, byte[] value) {
        var ttl = store.ttl(key.view(), value);
        register(key, value);
        KeyGroup group = key.group();
        byte[][] keys = group == null ? new byte[][] {bytes(key.redisKey())}
                : new byte[][] {bytes(key.redisKey()), bytes(group.indexKey()), bytes(group.versionKey())};
        run("write.lua", ScriptOutputType.INTEGER, keys, bytes(version.hex()), value, ScriptCodec.bytes(ttl.toMillis()));
    }

    List<CacheKey> invalidateGroup(ViewDefinition view, KeyGroup group, Version version) {
        List<Object> reply = run("invalidate_group.lua", ScriptOutputType.MULTI,
                new byte[][] {bytes(group.indexKey()), bytes(group.versionKey())}, bytes(version.hex()), ScriptCodec.mode(view),
                ScriptCodec.bytes(store.tombstoneTtl().toMillis()), ScriptCodec.policy(view));
        return store.parseKeys(new ArrayList<>(reply));
    }

    private void register(CacheKey key, byte[] value) {
        String member = key.group() == null ? key.redisKey() : key.group().indexKey();
        store.commands().zadd(bytes(store.keySpace().registry(key.view())), store.registryExpiry(key.view(), value), bytes(member))
                .toCompletableFuture().join();
    }

    private <T> T run(String script, ScriptOutputType output, byte[][] keys, byte[]... args) {
        byte[] text = (load("common.lua") + "\n" + load(script)).getBytes(StandardCharsets.UTF_8);
        return store.commands().<T>eval(text, output, keys, args).toCompletableFuture().join();
    }

    private static String load(String name) {
        try (InputStream in = ReferenceScripts.class.getResourceAsStream("reference/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource reference/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
