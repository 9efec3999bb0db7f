package io.cachepipe.cli;

import io.cachepipe.cli.pipeline.Pipeline;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.store.kafka.ConsumerLag;
import io.cachepipe.store.kafka.TopicAdmin;
import io.cachepipe.store.kafka.Watermarks;
import io.cachepipe.testsupport.Await;
import io.cachepipe.testsupport.PartProcess;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@link ChildPipeline#awaitCaughtUp}: waits until every change committed before the call is in the
 * cache, as {@link Pipeline#awaitCaughtUp} does, reading the held warm requests of every running
 * invalidator from its {@code /metrics}, since each runs in another process.
 */
final class ChildCatchUp {
    /** How long the warmers' lag and the invalidators' held warm requests must stay at 0 to count as drained. */
    private static final Duration QUIET = Duration.ofMillis(300);

    private ChildCatchUp() {
    }

    static Version await(ChildPipeline pipeline, List<PartProcess> invalidators, Duration timeout) {
        Version watermark;
        try (Connection connection = pipeline.pool().getConnection()) {
            watermark = Watermarks.emit(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write a watermark: " + e.getMessage(), e);
        }
        String held = prometheusName(MetricNames.WARM_REQUESTS_HELD);
        var deadline = System.nanoTime() + timeout.toNanos();
        // A Redis or Kafka call that times out on a loaded machine is "not yet"; the deadline bounds the wait.
        Await.await("the invalidators to pass watermark " + watermark).atMost(timeout)
                .ignoreExceptions().until(() -> pipeline.store().appliedPosition().toCompletableFuture().join()
                        .filter(applied -> applied.compareTo(watermark) >= 0).isPresent());
        Pipeline.Config config = pipeline.config();
        try (Admin admin = TopicAdmin.admin(config.kafka())) {
            long[] quietSince = {-1};
            Await.await("the warmers to consume every warm request")
                    .atMost(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                    .until(() -> {
                        boolean drained = drained(pipeline, invalidators, admin, held, config.warmer().groupId());
                        long now = System.nanoTime();
                        quietSince[0] = !drained ? -1 : quietSince[0] < 0 ? now : quietSince[0];
                        return drained && now - quietSince[0] >= QUIET.toNanos();
                    });
        }
        return watermark;
    }

    private static boolean drained(ChildPipeline pipeline, List<PartProcess> invalidators, Admin admin, String held, String warmers) {
        try {
            for (PartProcess invalidator : invalidators) {
                if (invalidator.isAlive() && pipeline.scrape(invalidator, held) != 0) {
                    return false;
                }
            }
            return ConsumerLag.total(admin, warmers) == 0;
        } catch (Exception e) {
            return false; // a probe that failed proves nothing: not quiet yet
        }
    }

    private static String prometheusName(String micrometerName) {
        return micrometerName.replace('.', '_');
    }
}
