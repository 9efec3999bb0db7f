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
            new ConsistencyReport.View("product", "/products/{id}", ConsistencyReport.STEADY, 130_000, 0, 130_000, 13_000, null, null, 117_000, 13_000,
                    0, 5.11, true, new ConsistencyReport.Staleness(45, 350, 500)),
            new ConsistencyReport.View("product", "/products/{id}", ConsistencyReport.DURING_FAULT, 10_000, 2, 10_000, 3_000, null, null, 7_000, 2_000,
                    1_000, 1.0, false, new ConsistencyReport.Staleness(400, 2_500, 3_000))), null);

    /** A run with two faults: a row per view per fault, each window apart from the steady rows. */
    private final ConsistencyReport faulted = new ConsistencyReport(report.meta(), 10_000, 100, 300_000, 1000, 200, 0.1, 8, 60, 12_000,
            1_200, 0, "warmer-restart,kafka-outage", 12.5, 1.5, 0.97, List.of(
            view(ConsistencyReport.STEADY, 250_000, 0), view("during warmer-restart", 20_000, 0), view("during kafka-outage", 30_000, 7)),
            List.of(new ConsistencyReport.Fault("warmer-restart", "the warmer stopped and a new one started", 100_000, 2.5),
                    new ConsistencyReport.Fault("kafka-outage", "the Kafka broker stopped for 5 s, then started again", 200_000, 10)));

    private static ConsistencyReport.View view(String phase, long reads, long beyond) {
        return new ConsistencyReport.View("category-products", "/categories/{id}/products?page={n}", phase, reads, 0, reads * 20, 10, 3L, 4L,
                reads - 10 - beyond, 10, beyond, beyond == 0 ? Math.log10(reads) : -Math.log10((double) beyond / reads), beyond == 0,
                new ConsistencyReport.Staleness(40, 300, beyond == 0 ? 500 : 4_000));
    }

    @Test
    void aReportWithSeveralFaults_roundTripsThroughJson_andShowsARowPerViewAndFault() throws Exception {
        String json = Json.mapper().writeValueAsString(faulted);
        assertThat(Json.mapper().readValue(json, ConsistencyReport.class)).isEqualTo(faulted);
        assertThat(ConsistencyDoc.text(faulted)).contains("Faults, injected in turn", "warmer-restart at read 100,000",
                "kafka-outage at read 200,000", "caught up 10.0 s after it began", "during kafka-outage", "3.6 nines", "3 / 4");
        String page = BenchmarksDoc.render(null, null, null, null, faulted, "benchmarks");
        assertThat(page).contains("| category-products | steady | 250,000 |", "| category-products | during warmer-restart | 20,000 |",
                "| category-products | during kafka-outage | 30,000 |", "the steady rows exclude every window", "--fault all");
    }

    @Test
    void thePublishedReport_fromBeforeSeveralFaults_stillReadsAndRenders() throws Exception {
        var published = Json.mapper().readValue(java.nio.file.Path.of("..", "docs", "benchmarks", BenchCommand.CONSISTENCY_JSON).toFile(),
                ConsistencyReport.class);
        if (published.fault().equals("none")) {
            assertThat(published.faults()).isEmpty();
        } else {
            assertThat(published.faults()).extracting(ConsistencyReport.Fault::name).containsExactly(published.fault().split(","));
        }
        String page = BenchmarksDoc.render(null, null, null, null, published, "benchmarks");
        assertThat(page).contains("## Stale-read rate", "| product | steady |");
        // A report from before listing membership was checked says so; a later one gives the counts.
        boolean membershipChecked = published.views().stream().allMatch(view -> view.missingItems() != null && view.extraItems() != null);
        assertThat(page).contains(membershipChecked ? " / " : "| not checked |");
    }

    @Test
    void faultsAreNamedOneByOne_orAll() {
        assertThat(ConsistencyFaults.parse("none")).isEmpty();
        assertThat(ConsistencyFaults.parse("all")).containsExactly(ConsistencyFaults.Fault.values());
        assertThat(ConsistencyFaults.parse("kafka-outage, redis-restart")).containsExactly(ConsistencyFaults.Fault.KAFKA_OUTAGE,
                ConsistencyFaults.Fault.REDIS_RESTART);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConsistencyFaults.parse("invalidator-crash"))
                .hasMessageContaining("cdc-capture-restart");
    }

    @Test
    void aReport_roundTripsThroughJson() throws Exception {
        String json = Json.mapper().writeValueAsString(report);
        assertThat(Json.mapper().readValue(json, ConsistencyReport.class)).isEqualTo(report);
    }

    @Test
    void theTableAndThePage_showEveryViewAndPhase_withItsNines() {
        assertThat(ConsistencyDoc.text(report)).contains("≥ 5.1 nines", "1.0 nines", "during fault", "3,333 reads/s",
                "not checked");
        String page = BenchmarksDoc.render(null, null, null, null, report, "benchmarks");
        assertThat(page).contains("## Stale-read rate", "bin/bench consistency --publish", "| product | steady | 130,000 |",
                "Fault: invalidator-restart at read 100,000 (caught up 4.5 s after it began)", "(200,000 reads in all: ≥ 5.3)",
                "the machine's CPU: 97% of its 2 cores busy");
        assertThat(BenchmarksDoc.render(null, null, null, "benchmarks")).doesNotContain("## Stale-read rate");
    }
}
