package io.cachepipe.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What /metrics exports for a cachepipe timer, as docs/operations.md describes it. */
class MetricsTest {

    @Test
    void freshnessTimers_areExportedAsHistogramBuckets_notAsQuantiles() {
        var registry = Metrics.prometheus("test");
        Timer timer = Timer.builder(MetricNames.FRESHNESS_INVALIDATED).register(registry);
        for (int ms = 1; ms <= 100; ms++) {
            timer.record(Duration.ofMillis(ms));
        }
        String scrape = registry.scrape();

        assertThat(scrape).contains("# TYPE cachepipe_freshness_invalidated_seconds histogram")
                .contains("cachepipe_freshness_invalidated_seconds_bucket{process=\"test\",le=\"0.001\"} 1")
                .contains("cachepipe_freshness_invalidated_seconds_count{process=\"test\"} 100")
                .doesNotContain("quantile=");
        assertThat(timer.takeSnapshot().percentileValues()).as("in-process percentiles (for /cache/summary)").hasSize(3);
    }
}
