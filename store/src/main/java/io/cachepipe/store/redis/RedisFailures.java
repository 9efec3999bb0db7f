package io.cachepipe.store.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** How to read a failed Redis call: worth retrying (Redis away, slow, loading) or refused outright. */
public final class RedisFailures {
    private RedisFailures() {
    }

    /**
     * What Redis Cluster answers a script whose keys are half-way through a slot migration: the keys it
     * names are all on one node (else the answer is {@code TRYAGAIN} or {@code ASK}, which Lettuce follows),
     * but a key the script reaches through them, such as a member of a group's index, has moved to the
     * other node already. An {@code ERR}, yet over once the slot is handed over: retried, never a dead letter.
     */
    private static final String KEY_MIGRATED = "ERR Script attempted to access a non local key in a cluster node";

    /**
     * A server error reply that no retry can change (a script error, a wrong type), as opposed to Redis
     * being unreachable, slow (a command timeout), busy or moving the slot the keys are in, which retrying
     * waits out.
     */
    public static boolean refusedOutright(Throwable error) {
        Throwable refused = firstCause(error, cause -> cause instanceof RedisCommandExecutionException);
        if (refused == null) {
            return false;
        }
        String message = String.valueOf(refused.getMessage());
        return (message.startsWith("ERR") && !message.startsWith(KEY_MIGRATED)) || message.startsWith("WRONGTYPE");
    }

    /**
     * True when the failure came from talking to Redis (a lettuce error: unreachable, slow, refusing;
     * or a wait for its answer that ran out), as opposed to a failure of the caller's own making, such
     * as a value that could not be rendered, which no amount of waiting for Redis fixes.
     */
    public static boolean fromRedis(Throwable error) {
        return firstCause(error, cause -> cause instanceof RedisException || cause instanceof TimeoutException) != null;
    }

    /**
     * True when Redis refused a write for want of memory: at its {@code maxmemory} under the
     * {@code noeviction} policy ({@code OOM command not allowed when used memory > 'maxmemory'}).
     * Waiting helps only once keys expire or an operator frees memory.
     */
    public static boolean outOfMemory(Throwable error) {
        Throwable refused = firstCause(error, cause -> cause instanceof RedisCommandExecutionException);
        return refused != null && String.valueOf(refused.getMessage()).startsWith("OOM");
    }

    /** True when Redis did not answer within the command timeout ({@code redis.timeout}). */
    public static boolean timedOut(Throwable error) {
        return firstCause(error, cause -> cause instanceof io.lettuce.core.RedisCommandTimeoutException) != null;
    }

    /** The error or the first of its causes that is {@code wanted}; null when none is. */
    private static @Nullable Throwable firstCause(Throwable error, Predicate<Throwable> wanted) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (wanted.test(cause)) {
                return cause;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }

    /** The innermost cause, as {@code Type: message}, for a log line. */
    public static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
