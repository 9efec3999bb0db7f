package io.cachepipe.warmer;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.WarmRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the warmer reports about its requests: outcomes per view, queries, freshness, and loads too slow to write. */
class WarmOutcomesTest {
    private static final long NOW = 1_000_000;
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final WarmOutcomes outcomes = new WarmOutcomes(metrics, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC),
            Duration.ofSeconds(2));

    @Test
    void aWrittenValue_countsAsWritten_andRecordsCommitToWarmed() {
        outcomes.written("product", true, request(NOW - 250));

        assertThat(loads("product", "written")).isEqualTo(1);
        var freshness = metrics.get(MetricNames.FRESHNESS_WARMED).timer();
        assertThat(freshness.count()).isEqualTo(1);
        assertThat(freshness.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250);
    }

    @Test
    void aRefusedValue_countsAsRefused_andIsNoFreshnessSample() {
        outcomes.written("product", false, request(NOW - 250));

        assertThat(loads("product", "refused")).isEqualTo(1);
        assertThat(metrics.get(MetricNames.FRESHNESS_WARMED).timer().count()).isZero();
    }

    @Test
    void aRequestWithoutACommitTime_isWrittenButNotTimed() {
        outcomes.written("product", true, request(0));

        assertThat(loads("product", "written")).isEqualTo(1);
        assertThat(metrics.get(MetricNames.FRESHNESS_WARMED).timer().count()).isZero();
    }

    @Test
    void countsAddUpPerViewAndOutcome_andZeroCreatesNoSeries() {
        outcomes.count("category", WarmOutcomes.Outcome.FAILED, 3);
        outcomes.count("category", WarmOutcomes.Outcome.FAILED, 2);
        outcomes.count("category", WarmOutcomes.Outcome.DROPPED_SLOW, 0);
        outcomes.countQuery("category");

        assertThat(loads("category", "failed")).isEqualTo(5);
        assertThat(metrics.find(MetricNames.WARMER_LOADS).tag("result", "dropped_slow").counter()).isNull();
        assertThat(metrics.get(MetricNames.WARMER_QUERIES).tag("view", "category").counter().count()).isEqualTo(1);
    }

    @Test
    void aLoadLongerThanTheTombstoneGuard_isTooSlowToWrite_aLoadWithinItIsNot() {
        assertThat(outcomes.tooSlow(NOW - 2_000, "1 key of product")).isFalse();
        assertThat(outcomes.tooSlow(NOW - 2_001, "1 key of product")).isTrue();
    }

    private double loads(String view, String result) {
        return metrics.get(MetricNames.WARMER_LOADS).tag("view", view).tag("result", result).counter().count();
    }

    private static WarmRequest request(long commitTimeMs) {
        return new WarmRequest("product", Map.of("id", 1L), new Version(7), commitTimeMs);
    }
}
