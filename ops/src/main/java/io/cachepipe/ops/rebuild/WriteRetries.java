package io.cachepipe.ops.rebuild;

import io.cachepipe.store.redis.RedisFailures;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Bulk writes that survive a slow Redis: when a batch of writes did not get its answer in time (a
 * loaded machine, a failover), the same writes are sent again after a growing pause, up to
 * {@value #MAX_RETRIES} times. Every write is version-guarded, so repeating one is harmless, and one
 * slow command does not end an operator's rebuild. A write Redis refuses outright is not retried.
 */
final class WriteRetries {
    static final int MAX_RETRIES = 6;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(200);

    private final AtomicLong retries = new AtomicLong();

    /** The result of {@code inFlight}, or of the writes sent again by {@code resend} after it failed. */
    <T> T await(CompletableFuture<T> inFlight, Supplier<CompletableFuture<T>> resend) {
        CompletableFuture<T> attempt = inFlight;
        for (int retry = 0; ; retry++) {
            try {
                return attempt.join();
            } catch (CompletionException e) {
                if (retry >= MAX_RETRIES || RedisFailures.refusedOutright(e)) {
                    throw e;
                }
                retries.incrementAndGet();
                pause(FIRST_PAUSE.multipliedBy(1L << retry));
                attempt = resend.get();
            }
        }
    }

    /** Batches sent again so far. */
    long count() {
        return retries.get();
    }

    private static void pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry a batch of writes", e);
        }
    }
}
