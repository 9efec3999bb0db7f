package io.cachepipe.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
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

    @Test
    void everyDeclaredMeter_registeredWithoutADescription_isExportedWithItsHelpText() {
        var registry = Metrics.prometheus("test");
        MetricNames.all().keySet().forEach(name -> Counter.builder(name).register(registry).increment());

        List<String> help = registry.scrape().lines().filter(line -> line.startsWith("# HELP ")).toList();

        assertThat(help).filteredOn(line -> line.split(" ", 4).length < 4 || line.split(" ", 4)[3].isBlank())
                .as("HELP lines without text (promtool: 'no help text')").isEmpty();
        assertThat(help).contains("# HELP cachepipe_cache_requests_total Cache reads by view and result: hit, stale, miss, fallback");
    }

    @Test
    void aDescriptionGivenWhereTheMeterIsMade_isKept() {
        var registry = Metrics.prometheus("test");
        Counter.builder(MetricNames.DEAD_LETTERS).description("said here").register(registry).increment();

        assertThat(registry.scrape()).contains("# HELP cachepipe_dead_letters_total said here");
    }
}
