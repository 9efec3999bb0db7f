package io.cachepipe.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How the consistency checker classifies a read against the writers' commit times. */
class CommitTimesTest {
    private static final long START = 1_000;

    /** Product 1 held 5 before the run; 6 returned at 2,000, 7 at 3,000, 8 at 4,000 (ns). */
    private static CommitTimes history() {
        var commits = new CommitTimes(new long[] {5, 40}, START);
        CommitTimes.Row row = commits.row(1);
        for (long t = 2_000; t <= 4_000; t += 1_000) {
            row.writing.lock();
            try {
                row.returned(row.next(), t);
            } finally {
                row.writing.unlock();
            }
        }
        return commits;
    }

    @Test
    void aValueAtLeastTheNewestReturnedBeforeTheRead_isFresh() {
        CommitTimes commits = history();
        assertThat(commits.staleness(1, 7, 3_500)).isEqualTo(CommitTimes.FRESH);
        assertThat(commits.staleness(1, 8, 3_500)).as("8 in flight at the read: either answer is fresh").isEqualTo(CommitTimes.FRESH);
        assertThat(commits.staleness(1, 5, 1_500)).isEqualTo(CommitTimes.FRESH);
        assertThat(commits.staleness(2, 40, 9_000)).as("a row never written").isEqualTo(CommitTimes.FRESH);
    }

    @Test
    void aCommitReturningAtTheReadsStart_doesNotCountYet() {
        assertThat(history().staleness(1, 6, 3_000)).isEqualTo(CommitTimes.FRESH);
    }

    @Test
    void anOlderValue_isStaleSinceTheFirstValueItMissedReturned() {
        CommitTimes commits = history();
        assertThat(commits.staleness(1, 6, 4_500)).as("missed 7, returned at 3,000").isEqualTo(1_500);
        assertThat(commits.staleness(1, 5, 4_500)).as("missed 6, returned at 2,000").isEqualTo(2_500);
        assertThat(commits.staleness(1, 4, 4_500)).as("older than the run: charged from its start").isEqualTo(3_500);
    }

    @Test
    void valuesCommitOneAfterTheOther() {
        CommitTimes.Row row = history().row(1);
        assertThat(row.next()).isEqualTo(9);
        assertThatThrownBy(() -> row.returned(10, 5_000)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> history().staleness(3, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTally_splitsStaleReadsAtTheBound_andAReportCountsTheNines() {
        var tally = new ConsistencyTally(Duration.ofMillis(1));
        for (int i = 0; i < 9_997; i++) {
            tally.read(1, 0, CommitTimes.FRESH);
        }
        tally.read(20, 1, 500_000);
        tally.read(20, 2, 1_000_000);
        tally.read(1, 1, 2_000_000);
        tally.error();
        var view = ConsistencyReport.View.of("product", "/products/{id}", ConsistencyReport.STEADY, tally);
        assertThat(view.reads()).isEqualTo(10_000);
        assertThat(view.fresh()).isEqualTo(9_997);
        assertThat(view.staleWithin()).isEqualTo(2);
        assertThat(view.staleBeyond()).isEqualTo(1);
        assertThat(view.staleItems()).isEqualTo(4);
        assertThat(view.errors()).isEqualTo(1);
        assertThat(view.nines()).isCloseTo(4.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(view.ninesText()).isEqualTo("4.0 nines");
        assertThat(view.staleness().max()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.01));

        var clean = new ConsistencyTally(Duration.ofSeconds(1));
        for (int i = 0; i < 1_000; i++) {
            clean.read(1, 0, CommitTimes.FRESH);
        }
        assertThat(ConsistencyReport.View.of("product", "/products/{id}", ConsistencyReport.STEADY, clean).ninesText())
                .isEqualTo("≥ 3.0 nines");
    }
}
