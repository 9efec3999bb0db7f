package io.cachepipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The consistency report: its JSON round trip, the printed table and the section of docs/benchmarks.md. */
class ConsistencyReportTest {
    private final ConsistencyReport report = new ConsistencyReport(
            new Report.Meta("2026-12-05T20:00:00Z", 2, "25", "abc1234", Map.of("zipf", "1.0", "listingShare", "0.3", "settings", "{}")),
            10_000, 100, 200_000, 1000, 200, 0.1, 8, 60, 12_000, 1_200, 0, "invalidator-restart", 4.5, 1.5, 0.97, List.of(
            new ConsistencyReport.View("product", "/products/{id}", ConsistencyReport.STEADY, 130_000, 0, 130_000, 13_000, 117_000, 13_000,
                    0, 5.11, true, new ConsistencyReport.Staleness(45, 350, 500)),
            new ConsistencyReport.View("product", "/products/{id}", ConsistencyReport.DURING_FAULT, 10_000, 2, 10_000, 3_000, 7_000, 2_000,
                    1_000, 1.0, false, new ConsistencyReport.Staleness(400, 2_500, 3_000))));

    @Test
    void aReport_roundTripsThroughJson() throws Exception {
        String json = Json.mapper().writeValueAsString(report);
        assertThat(Json.mapper().readValue(json, ConsistencyReport.class)).isEqualTo(report);
    }

    @Test
    void theTableAndThePage_showEveryViewAndPhase_withItsNines() {
        assertThat(ConsistencyDoc.text(report)).contains("≥ 5.1 nines", "1.0 nines", "during fault", "3,333 reads/s");
        String page = BenchmarksDoc.render(null, null, null, null, report, "benchmarks");
        assertThat(page).contains("## Stale-read rate", "bin/bench consistency --publish", "| product | steady | 130,000 |",
                "invalidator-restart halfway through the reads", "(200,000 reads in all: ≥ 5.3)",
                "the machine's CPU: 97% of its 2 cores busy");
        assertThat(BenchmarksDoc.render(null, null, null, "benchmarks")).doesNotContain("## Stale-read rate");
    }
}
