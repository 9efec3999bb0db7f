package io.cachepipe.store.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletionStage;

/**
 * cachepipe's Lua scripts: {@code common.lua} followed by the script's own body. Run by SHA
 * ({@code EVALSHA}); after a Redis restart has emptied the script cache, the first call answers
 * NOSCRIPT and is retried once with the full text ({@code EVAL}), which caches it again.
 *
 * <p>A Redis at its {@code maxmemory} under {@code noeviction} refuses every write, and so every script
 * that writes (answering {@code OOM}). A value it keeps is then served as it is, whatever the database
 * commits after it: so the scripts that take values away or keep the pipeline's small bookkeeping
 * (invalidations, flushes, applied offsets, watermarks, near-cache messages) carry Redis's
 * {@code allow-oom} flag and run regardless. Each frees more than it adds: a tombstone or an offset is a
 * few bytes where a value is kilobytes. The scripts that add values stay refused, and
 * {@link #BATCH_WHEN_FULL} is {@link #BATCH} for a batch holding invalidations only (see
 * {@link CacheBatch#executeWhenFull()}).
 */
public enum RedisScript {
    READ("read.lua", ScriptOutputType.MULTI, WhenFull.REFUSED),
    FILL("fill.lua", ScriptOutputType.INTEGER, WhenFull.REFUSED),
    WRITE("write.lua", ScriptOutputType.INTEGER, WhenFull.REFUSED),
    INVALIDATE("invalidate.lua", ScriptOutputType.MULTI, WhenFull.RUNS),
    INVALIDATE_GROUP("invalidate_group.lua", ScriptOutputType.MULTI, WhenFull.RUNS),
    REPLACE("replace.lua", ScriptOutputType.INTEGER, WhenFull.REFUSED),
    APPLIED("applied.lua", ScriptOutputType.INTEGER, WhenFull.RUNS),
    WATERMARK("watermark.lua", ScriptOutputType.INTEGER, WhenFull.RUNS),
    PUBLISH("publish.lua", ScriptOutputType.INTEGER, WhenFull.RUNS),
    PEEK("peek.lua", ScriptOutputType.MULTI, WhenFull.REFUSED),
    FLUSH("flush.lua", ScriptOutputType.INTEGER, WhenFull.RUNS),
    FORGET("forget.lua", ScriptOutputType.INTEGER, WhenFull.RUNS),
    CLEAR_LOSS("clear_loss.lua", ScriptOutputType.INTEGER, WhenFull.RUNS),
    BATCH("batch.lua", ScriptOutputType.MULTI, WhenFull.REFUSED),
    BATCH_WHEN_FULL("batch.lua", ScriptOutputType.MULTI, WhenFull.RUNS);

    /** Whether Redis runs the script when out of memory. */
    private enum WhenFull {
        REFUSED(""),
        /** Redis 7's script flag: run even when out of memory (refused as a syntax error by Redis 6, which cachepipe does not support). */
        RUNS("#!lua flags=allow-oom\n");

        private final String shebang;

        WhenFull(String shebang) {
            this.shebang = shebang;
        }
    }

    private final byte[] text;
    private final String sha;
    private final ScriptOutputType output;

    RedisScript(String resource, ScriptOutputType output, WhenFull whenFull) {
        this.text = (whenFull.shebang + load("common.lua") + "\n" + load(resource)).getBytes(StandardCharsets.UTF_8);
        this.sha = sha1(text);
        this.output = output;
    }

    public <T> CompletionStage<T> run(RedisClusterAsyncCommands<byte[], byte[]> redis, byte[][] keys, byte[]... args) {
        CompletionStage<T> bySha = redis.evalsha(sha, output, keys, args);
        return bySha.handle((result, error) -> {
            if (error == null) {
                return java.util.concurrent.CompletableFuture.completedStage(result);
            }
            Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
            if (cause instanceof RedisNoScriptException) {
                return redis.<T>eval(text, output, keys, args);
            }
            return java.util.concurrent.CompletableFuture.<T>failedStage(cause);
        }).thenCompose(stage -> stage);
    }

    public String sha() {
        return sha;
    }

    private static String load(String resource) {
        try (InputStream in = RedisScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(byte[] text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
