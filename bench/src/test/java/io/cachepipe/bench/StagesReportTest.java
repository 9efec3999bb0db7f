package io.cachepipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stages report: its JSON round trip, the figures derived from it, and how it renders. */
class StagesReportTest {
    private final StagesReport report = SampleReports.stages();

    @Test
    void aReport_roundTripsThroughJson() throws Exception {
        String json = Json.mapper().writeValueAsString(report);
        assertThat(Json.mapper().readValue(json, StagesReport.class)).isEqualTo(report);
    }

    @Test
    void perChangeCosts_followFromTheUnitsEachChangeMade() {
        StagesReport.Stage warmer = report.stage(StagesReport.WARMER);
        assertThat(warmer.perSecond()).isEqualTo(28_000);
        assertThat(warmer.cpuMicrosPerItem()).isEqualTo(20);
        assertThat(warmer.cpuMicrosPerChange()).isEqualTo(60);
        assertThat(report.stage(StagesReport.REBUILD).cpuMicrosPerChange()).isZero();
    }

    @Test
    void whatLimitedAStage_isTheMachine_itsOwnCpu_orNeither() {
        assertThat(report.stage(StagesReport.INVALIDATOR).limitedBy(2))
                .isEqualTo("the machine: 95% busy (stage 1.10, servers 0.80, other work 0.00 cores)");
        assertThat(report.stage(StagesReport.CDC).limitedBy(2)).isEqualTo("its own CPU (0.90 cores)");
        assertThat(report.stage(StagesReport.WARMER).limitedBy(2)).startsWith("waiting: round trips or one thread");
        assertThat(report.stage(StagesReport.CDC).otherCores(2)).isCloseTo(2 * 0.85 - 0.9 - 0.8, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void redisCommandsPerUnit_countOverTheStagesWholeBacklog() {
        // 300,000 commands over 50,000 changes, not over the 49,000 inside the window
        assertThat(StagesDoc.commandsPerUnit(report.stage(StagesReport.INVALIDATOR), report.backlog()))
                .isEqualTo("6.00 (evalsha 4.00, hset 2.00)");
        assertThat(StagesDoc.commandsPerUnit(report.stage(StagesReport.CDC), report.backlog())).isEqualTo("0");
    }

    @Test
    void thePageSection_carriesTheTableAndTheRatio() {
        String section = StagesDoc.markdown(report);
        assertThat(section)
                .contains("## Cost per stage")
                .contains("| cdc-capture → Kafka | 48,000 changes | 4.80 | 10,000 changes/s | 90.0 | 90.0 | 0.90 | 85% | its own CPU (0.90 cores) |")
                .contains("| warmer | 140,000 warm requests | 5.00 | 28,000 warm requests/s | 20.0 | 60.0 | 0.56 | 60% |")
                .contains("| cachepipe rebuild | 20,000 rows | 4.00 | 5,000 rows/s | 500.0 | – |")
                .contains("Rebuild / pipelined SET in this run: **0.10** (5,000 keys/s against 50,000 keys/s).")
                .contains("50,000 changes are written in 100-row transactions")
                .contains("- **cachepipe rebuild was still compiling**: its JIT compiler threads used 6.00 of its 10.00 CPU seconds (60%)")
                .doesNotContain("- **invalidator was still compiling");
        assertThat(BenchmarksDoc.render(null, null, report, "benchmarks")).contains("## Cost per stage", "bin/bench stages --publish");
        assertThat(BenchmarksDoc.render(null, null, null, "benchmarks")).doesNotContain("## Cost per stage");
    }

    @Test
    void theConsoleTable_alignsItsColumns() {
        String[] lines = StagesDoc.text(report).split("\n");
        assertThat(lines[0]).startsWith("stage").contains("CPU µs per change");
        assertThat(lines[1].indexOf("changes/s")).isEqualTo(lines[2].indexOf("changes/s"));
        assertThat(lines[lines.length - 1]).isEqualTo("rebuild / pipelined SET: 0.10");
    }

    @Test
    void redisStatistics_areCallsPerCommand_withoutTheStatisticsOwnInfo() {
        String before = "# Commandstats\r\ncmdstat_evalsha:calls=10,usec=50,usec_per_call=5.00,rejected_calls=0,failed_calls=0\r\n"
                + "cmdstat_info:calls=3,usec=30,usec_per_call=10.00,rejected_calls=0,failed_calls=0\r\n";
        String after = before.replace("calls=10,", "calls=25,").replace("calls=3,", "calls=5,")
                + "cmdstat_hset:calls=7,usec=7,usec_per_call=1.00,rejected_calls=0,failed_calls=0\r\n";
        assertThat(RedisProbe.commandCalls(before)).isEqualTo(Map.of("evalsha", 10L, "info", 3L));
        assertThat(RedisProbe.callsBetween(RedisProbe.commandCalls(before), RedisProbe.commandCalls(after)))
                .isEqualTo(Map.of("evalsha", 15L, "hset", 7L));
    }

    @Test
    void aRebuildsSummary_givesRowsRecordsAndItsOwnTime() {
        String output = """
                rebuild done in 0:04
                  product                  row images
                  category-products        batched database reads
                  change records read   160,000 (40,000/s)
                  row-image writes      10,000
                  loaded writes         2,500
                  refused (newer held)  0
                """;
        RebuildRun.Output parsed = RebuildRun.parse(output).orElseThrow();
        assertThat(parsed.rows()).isEqualTo(12_500);
        assertThat(parsed.records()).isEqualTo(160_000);
        assertThat(parsed.ownSeconds()).isEqualTo(4.0);
        assertThat(RebuildRun.parse("cachepipe rebuild: failed: Redis unreachable")).isEmpty();
    }

    @Test
    void ofSeveralDrains_eachStageReportsItsMedianOne_withTheSlowestAndFastestRates() {
        StagesReport.Stage invalidator = report.stage(StagesReport.INVALIDATOR);
        var slow = new StagesReport.Stage(invalidator.name(), invalidator.unit(), 10_000, 1, 1.0, 0.3, 0.3, 0.5, 0, 0, Map.of(), Map.of(), Map.of());
        var middle = new StagesReport.Stage(invalidator.name(), invalidator.unit(), 20_000, 1, 1.0, 0.6, 0.6, 0.5, 0, 0, Map.of(), Map.of(), Map.of());
        var fast = new StagesReport.Stage(invalidator.name(), invalidator.unit(), 30_000, 1, 1.0, 0.9, 0.9, 0.5, 0, 0, Map.of(), Map.of(), Map.of());

        StagesReport.Stage median = StagesBenchmark.medians(java.util.List.of(java.util.List.of(fast), java.util.List.of(slow),
                java.util.List.of(middle))).getFirst();

        assertThat(median.perSecond()).isEqualTo(20_000);
        assertThat(median.counts()).containsEntry("slowest drain per second", 10_000L).containsEntry("fastest drain per second", 30_000L)
                .containsEntry("drains measured", 3L);
    }
}
