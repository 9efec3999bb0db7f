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
 * invalidators' applied position in Redis reaches it, held warm requests are sent, and the warmers'
 * consumer group has reached the warm topic's ends as they stood a moment later (a request just sent
 * may not be appended yet).
 */
public final class CatchUp {
    private static final Logger log = LoggerFactory.getLogger(CatchUp.class);

    private final DataSource database;
    private final CacheStore store;
    private final KafkaConfig kafka;
    private final String warmerGroup;
    private final LongSupplier heldWarmRequests;
    private final Duration quiet;

    /**
     * @param heldWarmRequests warm requests an in-process invalidator holds for coalescing; {@code () -> 0} for
     *                         processes, whose holding the {@code quiet} period has to outlast
     */
    public CatchUp(DataSource database, CacheStore store, KafkaConfig kafka, String warmerGroup, LongSupplier heldWarmRequests,
                   Duration quiet) {
        this.database = database;
        this.store = store;
        this.kafka = kafka;
        this.warmerGroup = warmerGroup;
        this.heldWarmRequests = heldWarmRequests;
        this.quiet = quiet;
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
        until("held warm requests to be sent", deadline, () -> heldWarmRequests.getAsLong() == 0);
        // The warm requests of the changes up to the watermark reach the topic within moments of being
        // sent (a process's coalescing window, which it does not report, and the producer's send): after
        // that margin, the topic's ends are what the warmer has to reach. Waiting instead for its lag to
        // stay at zero for the margin never ended while writers went on (bench consistency, faults).
        pause(quiet);
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
