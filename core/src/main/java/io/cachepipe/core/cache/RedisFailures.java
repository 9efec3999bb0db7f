package io.cachepipe.core.cache;

import io.lettuce.core.RedisCommandExecutionException;

/** How to read a failed Redis call: worth retrying (Redis away, slow, loading) or refused outright. */
public final class RedisFailures {
    private RedisFailures() {
    }

    /**
     * A server error reply that no retry can change (a script error, a wrong type), as opposed to Redis
     * being unreachable, slow (a command timeout) or busy, which retrying waits out.
     */
    public static boolean refusedOutright(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof RedisCommandExecutionException refused) {
                String message = String.valueOf(refused.getMessage());
                return message.startsWith("ERR") || message.startsWith("WRONGTYPE");
            }
        }
        return false;
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
