package io.cachepipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.devstack.DevStack;
import io.cachepipe.testsupport.WithDevStack;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load benchmark end to end on real servers, scaled down to seconds: every endpoint measured in
 * every mode without an error, the cache answering the skewed reads, writes flowing and reaching the
 * cache, an audit that finds nothing stale, a change-rate sweep, and a report that renders. The
 * figures themselves are for {@code bin/bench}, not for assertions.
 */
@WithDevStack
class LoadBenchmarkIT {

    @Test
    void aShortLoadRun_measuresEveryEndpointInEveryMode_andLeavesTheCacheCoherent(DevStack stack, @TempDir Path out) throws Exception {
        var workload = Workload.catalog(500, 10, 1.0);
        PrintStream log = System.out;
        Report report;
        try (BenchPipeline system = BenchPipeline.start(stack, 500, 10, java.util.Map.of())) {
            var read = new ReadBenchmark(system, workload, new ReadBenchmark.Options(Duration.ofMillis(600), Duration.ofMillis(600),
                    Duration.ofMillis(900), 8, 400, 0.05), log).run();
            var sweep = new ChangeRateSweep(system, workload,
                    new ChangeRateSweep.Options(50, 100, Duration.ofMillis(800), Duration.ofSeconds(5), 2, ChangeWriter.Shape.SINGLE_ROW,
                            Duration.ZERO), log).run();
            report = new Report(BenchCommand.meta(java.util.Map.of()), read, sweep, null, null);
        }

        Report.ReadPath read = report.readPath();
        assertThat(read.endpoints()).extracting(Report.EndpointResult::endpoint)
                .containsExactly("product", "listing", "category", "reviews", "mixed");
        for (Report.EndpointResult endpoint : read.endpoints()) {
            assertThat(endpoint.modes()).extracting(Report.ModeResult::mode).containsExactly("cached", "redis", "uncached", "noop");
            assertThat(endpoint.modes()).allSatisfy(mode -> {
                assertThat(mode.errors()).as(endpoint.endpoint() + " " + mode.mode()).isZero();
                assertThat(mode.throughput()).isPositive();
                assertThat(mode.latency().count()).isPositive();
            });
            assertThat(endpoint.mode("uncached").hitRate()).isZero();
        }
        assertThat(read.endpoint("mixed").mode("cached").hitRate()).isGreaterThan(0.8);
        assertThat(read.writes()).isPositive();
        assertThat(read.freshness().invalidated().count()).isPositive();
        assertThat(read.freshness().warmed().count()).isPositive();
        assertThat(read.audit().checked()).isPositive();
        assertThat(read.audit().incoherent()).isZero();
        assertThat(read.audit().unconfirmed()).isZero();
        assertThat(report.changeRate().steps()).isNotEmpty().allSatisfy(step -> assertThat(step.achievedPerSecond()).isPositive());

        assertThat(Charts.write(report, out)).hasSize(4);
        assertThat(BenchmarksDoc.render(report, null, null, "benchmarks")).contains("## Read path", "## Sustained change rate");
    }
}
