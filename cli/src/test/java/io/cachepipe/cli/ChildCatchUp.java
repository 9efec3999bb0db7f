package io.cachepipe.cli;

import io.cachepipe.cli.pipeline.CatchUp;
import io.cachepipe.cli.pipeline.Pipeline;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.testsupport.PartProcess;
import java.time.Duration;
import java.util.List;

/**
 * {@link ChildPipeline#awaitCaughtUp}: {@link CatchUp}, as {@link Pipeline#awaitCaughtUp} runs it, with the held warm
 * requests of every running invalidator read from its {@code /metrics}, since each runs in another process.
 */
final class ChildCatchUp {
    /** A warm request sent before the invalidators' applied position passed the watermark is in the topic by then. */
    private static final Duration QUIET = Duration.ofMillis(300);
    private static final String HELD = MetricNames.WARM_REQUESTS_HELD.replace('.', '_');

    private ChildCatchUp() {
    }

    static Version await(ChildPipeline pipeline, List<PartProcess> invalidators, Duration timeout) {
        Pipeline.Config config = pipeline.config();
        return new CatchUp(pipeline.pool(), pipeline.store(), config.kafka(), config.warmer().groupId(),
                CatchUp.WarmRequestsSent.quietAfter(() -> held(pipeline, invalidators), QUIET)).await(timeout);
    }

    /** Warm requests the running invalidators hold; a probe that failed proves nothing, so it counts as one held. */
    private static long held(ChildPipeline pipeline, List<PartProcess> invalidators) {
        long held = 0;
        for (PartProcess invalidator : invalidators) {
            if (invalidator.isAlive()) {
                try {
                    held += (long) pipeline.scrape(invalidator, HELD);
                } catch (Exception e) {
                    return 1;
                }
            }
        }
        return held;
    }
}
