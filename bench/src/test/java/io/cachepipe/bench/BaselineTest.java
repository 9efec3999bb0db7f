package io.cachepipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BaselineTest {

    @Test
    void theSameFigures_areNoRegression() {
        List<Baseline.Finding> findings = Baseline.compare(SampleReports.load(1, 0.999), SampleReports.load(1, 0.999), 0.2);
        assertThat(findings).isNotEmpty().noneMatch(Baseline.Finding::regression);
    }

    @Test
    void aSlowerCachePath_isFlaggedInThroughputLatencyAndTheRatioToNoop() {
        List<Baseline.Finding> findings = Baseline.compare(SampleReports.load(1, 0.999), SampleReports.load(0.7, 0.999), 0.2);
        assertThat(findings).filteredOn(Baseline.Finding::regression).extracting(Baseline.Finding::figure)
                .contains("product cached throughput (req/s)", "product cached p50 (ms)", "product cached/noop throughput ratio")
                .doesNotContain("product uncached throughput (req/s)");
    }

    @Test
    void changesWithinTheTolerance_passAndAFasterRunIsNeverARegression() {
        assertThat(Baseline.compare(SampleReports.load(1, 0.999), SampleReports.load(0.9, 0.999), 0.2)).noneMatch(Baseline.Finding::regression);
        assertThat(Baseline.compare(SampleReports.load(1, 0.999), SampleReports.load(2, 0.999), 0.2)).noneMatch(Baseline.Finding::regression);
    }

    @Test
    void aHitRateDropOfMoreThanATenthOfAPoint_isFlagged() {
        assertThat(Baseline.compare(SampleReports.load(1, 0.999), SampleReports.load(1, 0.9985), 0.2)).noneMatch(Baseline.Finding::regression);
        assertThat(Baseline.compare(SampleReports.load(1, 0.999), SampleReports.load(1, 0.997), 0.2))
                .filteredOn(Baseline.Finding::regression).extracting(Baseline.Finding::figure).contains("mixed cached hit rate");
    }
}
