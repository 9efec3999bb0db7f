package io.cachepipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A report survives its JSON round trip, and renders to charts and to docs/benchmarks.md. */
class ReportRenderingTest {

    @Test
    void aReport_roundTripsThroughJson() throws Exception {
        Report report = SampleReports.load(1, 0.999);
        String json = Json.mapper().writeValueAsString(report);
        assertThat(Json.mapper().readValue(json, Report.class)).isEqualTo(report);
        PatternReport pattern = SampleReports.pattern();
        assertThat(Json.mapper().readValue(Json.mapper().writeValueAsString(pattern), PatternReport.class)).isEqualTo(pattern);
    }

    @Test
    void everyChart_isWrittenAsAPng(@TempDir Path dir) throws Exception {
        var files = new java.util.ArrayList<>(Charts.write(SampleReports.load(1, 0.999), dir));
        files.add(Charts.writePattern(SampleReports.pattern(), dir));
        assertThat(files).hasSize(5);
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            assertThat(bytes.length).as(file.toString()).isGreaterThan(5_000);
            assertThat(new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
        }
    }

    @Test
    void thePage_carriesTheHeadlineFiguresAndLinksTheCharts() {
        String page = BenchmarksDoc.render(SampleReports.load(1, 0.999), SampleReports.pattern(), null, "benchmarks");
        assertThat(page)
                .contains("| cached / no-op throughput, product | 0.82 |")
                .contains("| hit rate, mixed workload with 1% writes | 99.900% |")
                .contains("| commit → invalidated under load, p50 / p99 | 15.0 / 40.0 ms |")
                .contains("**Knee: 198 row changes/s**, limited by the pipeline: lag grew past 1000 ms. PostgreSQL alone committed 4,000 "
                        + "row changes/s for the same writers before the sweep and 3,600 after it: the knee is **0.050 x** the higher (0.055 x the "
                        + "lower). Audit once the sweep drained: 21,000 entries, "
                        + "**0 incoherent**.")
                .contains("| 200 | 198 | 15.0 | 35.0 | 190 | yes | 6.00 | 0.30 | 0.10 | 80% |")
                .contains("| target /s | PostgreSQL commits | walsender | cdc-capture | Kafka broker | invalidator | warmer | Redis | Redis client "
                        + "| writers | JIT | JVM, rest | rest of machine | all | PostgreSQL's share | Redis calls / change |")
                .contains("| 200 | 180 | 40 | 60 | 30 | 25 | 10 | 50 | 12 | 45 | 5 | 20 | 23 | 500 | 44% | 8.20 (hmget 3.15, hset 2.56, pexpire 1.69) |")
                .contains("### 100-row transactions")
                .contains("| sustained change rate (knee), 100-row transactions, limited by the pipeline: lag grew past 1000 ms | "
                        + "1,990 changes/s = 0.033 x PostgreSQL alone |")
                .contains("| **ratio SCAN+DEL / index** | | **1125×** | | **678×** |")
                .contains("![Saturated throughput](benchmarks/" + Charts.THROUGHPUT + ")")
                .contains("![Pattern invalidation](benchmarks/" + Charts.PATTERN + ")")
                .contains("| 2 invalidators, 2 warmers, 3 APIs | 7,000 | 0.75 | 90% | 900 | 0.50 | 5% | 95% | 8,000 / 8,100 |")
                .contains("reads **1.40x**, backlog drain **1.13x**. The drain did not grow because the machine was 95% busy")
                .contains("The invalidators were still compiling in the measured drains: their JIT compiler threads used 30% of their CPU "
                        + "with one instance and 5% with two")
                .contains("**0 stale**");
        assertThat(BenchmarksDoc.render(null, SampleReports.pattern(), null, "benchmarks")).contains("## Pattern invalidation")
                .doesNotContain("## Read path");
    }
}
