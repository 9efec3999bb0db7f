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
 */
public enum RedisScript {
    READ("read.lua", ScriptOutputType.MULTI),
    FILL("fill.lua", ScriptOutputType.INTEGER),
    WRITE("write.lua", ScriptOutputType.INTEGER),
    INVALIDATE("invalidate.lua", ScriptOutputType.MULTI),
    INVALIDATE_GROUP("invalidate_group.lua", ScriptOutputType.MULTI),
    REPLACE("replace.lua", ScriptOutputType.INTEGER),
    APPLIED("applied.lua", ScriptOutputType.INTEGER),
    WATERMARK("watermark.lua", ScriptOutputType.INTEGER),
    PUBLISH("publish.lua", ScriptOutputType.INTEGER),
    PEEK("peek.lua", ScriptOutputType.MULTI),
    FLUSH("flush.lua", ScriptOutputType.INTEGER),
    FORGET("forget.lua", ScriptOutputType.INTEGER),
    CLEAR_LOSS("clear_loss.lua", ScriptOutputType.INTEGER),
    BATCH("batch.lua", ScriptOutputType.MULTI);

    private final byte[] text;
    private final String sha;
    private final ScriptOutputType output;

    RedisScript(String resource, ScriptOutputType output) {
        this.text = (load("common.lua") + "\n" + load(resource)).getBytes(StandardCharsets.UTF_8);
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
