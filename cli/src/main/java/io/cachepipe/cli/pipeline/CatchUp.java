package io.cachepipe.cli.pipeline;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.store.kafka.ConsumerLag;
import io.cachepipe.store.kafka.TopicAdmin;
import io.cachepipe.store.kafka.Watermarks;
import io.cachepipe.store.redis.CacheStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits until every change committed before the call is in the cache, whether the parts run in this
 * JVM or as processes: a watermark passes through the whole log (see {@link Watermarks}) and the
 * invalidators' applied position in Redis reaches it, their warm requests are in the warm topic
 * ({@link WarmRequestsSent}), and the warmers' consumer group has reached that topic's ends.
 */
public final class CatchUp {
    private static final Logger log = LoggerFactory.getLogger(CatchUp.class);

    private final DataSource database;
    private final CacheStore store;
    private final KafkaConfig kafka;
    private final String warmerGroup;
    private final WarmRequestsSent warmRequestsSent;

    /**
     * How to know that the warm requests of every change the invalidators applied are in the warm topic.
     * An invalidator asks for a batch's re-warms before it records the batch applied, so once the applied
     * position passed the watermark they have been asked for; they may still be held for coalescing, or
     * on their way to Kafka.
     */
    @FunctionalInterface
    public interface WarmRequestsSent {
        /** Returns once they are in the topic; past {@code deadline} ({@link System#nanoTime}) throws. */
        void await(long deadline);

        /**
         * Invalidators in this JVM: {@code send} sends what they hold and waits for Kafka's answer (bounded
         * by their producer's delivery timeout, not by the deadline).
         */
        static WarmRequestsSent sentBy(Runnable send) {
            return deadline -> send.run();
        }

        /**
         * Invalidators in other processes, whose producers are out of reach: once they hold none
         * ({@code held} reads them), a {@code quiet} period for the last ones sent to reach the topic.
         */
        static WarmRequestsSent quietAfter(LongSupplier held, Duration quiet) {
            return deadline -> {
                until("held warm requests to be sent", deadline, () -> held.getAsLong() == 0);
                pause(quiet);
            };
        }
    }

    public CatchUp(DataSource database, CacheStore store, KafkaConfig kafka, String warmerGroup, WarmRequestsSent warmRequestsSent) {
        this.database = database;
        this.store = store;
        this.kafka = kafka;
        this.warmerGroup = warmerGroup;
        this.warmRequestsSent = warmRequestsSent;
    }

    /** Answers the watermark that passed. */
    public Version await(Duration timeout) {
        Version watermark;
        try (Connection connection = database.getConnection()) {
            watermark = Watermarks.emit(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write a watermark: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        until("the invalidator to pass watermark " + watermark, deadline, () -> applied(watermark));
        // Then the topic's ends are what the warmer has to reach. Waiting instead for its lag to stay at
        // zero for a while never ended while writers went on (bench consistency, faults).
        warmRequestsSent.await(deadline);
        try (Admin admin = TopicAdmin.admin(kafka)) {
            Map<TopicPartition, Long> sent = ConsumerLag.ends(admin, warmerGroup);
            until("the warmer to consume every warm request sent", deadline, () -> ConsumerLag.reached(admin, warmerGroup, sent));
        }
        return watermark;
    }

    /**
     * Whether the applied position has reached {@code watermark}. A Redis call that fails or times
     * out (a loaded machine, Redis restarting) is "not yet": the caller's deadline bounds the wait.
     */
    private boolean applied(Version watermark) {
        try {
            return store.appliedPosition().toCompletableFuture().join()
                    .filter(applied -> applied.compareTo(watermark) >= 0).isPresent();
        } catch (CompletionException e) {
            log.debug("Reading the applied position failed, trying again: {}", e.getCause() != null ? e.getCause() : e);
            return false;
        }
    }

    private static void pause(Duration margin) {
        try {
            Thread.sleep(margin.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for warm requests to be sent", e);
        }
    }

    /** Polls {@code done} every 10 ms until it holds; past {@code deadline} (nanoTime) throws, naming {@code what}. */
    static void until(String what, long deadline, BooleanSupplier done) {
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
        }
    }
}
