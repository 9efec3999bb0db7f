package io.cachepipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * How the consistency checker decides which products a listing page must list, may list and must not list, on
 * hand-made histories. Pages of 2 (the view's ORDER BY id LIMIT/OFFSET, smaller); before the run, category 1 holds
 * products 1, 2, 3 (page 1: 1, 2; page 2: 3) and category 2 holds 4, 5, 6. Times in ns on a clock the test sets.
 */
class ListingsTest {
    private static final long START = 1_000;
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final AtomicLong clock = new AtomicLong(START);
    private final CommitTimes commits = new CommitTimes(new long[] {10, 20, 30, 40, 50, 60}, new int[] {1, 1, 1, 2, 2, 2}, START);
    private final Listings listings = new Listings(commits, 2, 2, 1, clock::get);

    /** A writer's commit of product {@code id} into {@code category}, returned at {@code nanos}, as ConsistencyWriter makes it. */
    private void commit(long id, int category, long nanos) {
        CommitTimes.Row row = begin(id, category);
        int from = row.category();
        row.returned(row.next(), nanos);
        listings.moved(id, from, category, nanos);
    }

    /** A commit sent and not returned yet. */
    private CommitTimes.Row begin(long id, int category) {
        CommitTimes.Row row = commits.row(id);
        row.begin(row.next(), category);
        listings.entering(category, id);
        return row;
    }

    private Listings.PageCheck served(int category, int page, long readStart, long... ids) {
        var check = new Listings.PageCheck(2);
        for (long id : ids) {
            check.add(id);
        }
        listings.check(category, page, readStart, check);
        return check;
    }

    @Test
    void pagesAsSeeded_areFresh_andAPageMissingOrAddingAProduct_isStaleSinceTheRunStarted() {
        assertThat(served(1, 1, 5_000, 1, 2).staleness).isEqualTo(CommitTimes.FRESH);
        assertThat(served(1, 2, 5_000, 3).staleness).isEqualTo(CommitTimes.FRESH);
        assertThat(served(2, 1, 5_000, 4, 5).staleness).isEqualTo(CommitTimes.FRESH);

        var short1 = served(1, 1, 5_000, 1);
        assertThat(short1.missing).isEqualTo(1);
        assertThat(short1.staleness).isEqualTo(4_000);
        var wrong = served(1, 1, 5_000, 1, 3);
        assertThat(wrong.missing).as("2 must be on page 1").isEqualTo(1);
        assertThat(wrong.extra).as("3 belongs to page 2").isEqualTo(1);
        assertThat(served(1, 2, 5_000, 3, 4).extra).as("4 is in category 2").isEqualTo(1);
    }

    @Test
    void aProductThatMovedIn_mustBeListedOnceItsCommitReturned_andIsStaleSinceThen() {
        commit(4, 1, 2_000);
        assertThat(served(1, 2, 3_000, 3, 4).staleness).isEqualTo(CommitTimes.FRESH);
        var missed = served(1, 2, 3_000, 3);
        assertThat(missed.missing).isEqualTo(1);
        assertThat(missed.staleness).as("since the move returned").isEqualTo(1_000);
        assertThat(served(2, 1, 3_000, 5, 6).staleness).as("the page it left").isEqualTo(CommitTimes.FRESH);
        var stillThere = served(2, 1, 3_000, 4, 5);
        assertThat(stillThere.extra).isEqualTo(1);
        assertThat(stillThere.missing).as("6 moved up into page 1").isEqualTo(1);
        assertThat(stillThere.staleness).isEqualTo(1_000);
    }

    @Test
    void aMoveReturningAfterTheReadBegan_mayOrMayNotBeListed() {
        commit(4, 1, 2_000);
        assertThat(served(1, 2, 1_500, 3).staleness).as("the move returned after the read began").isEqualTo(CommitTimes.FRESH);
        assertThat(served(1, 2, 1_500, 3, 4).staleness).isEqualTo(CommitTimes.FRESH);
        assertThat(served(1, 2, 2_000, 3).staleness).as("returning at the read's start does not count yet").isEqualTo(CommitTimes.FRESH);
    }

    @Test
    void aMoveInFlight_leavesEveryPageItCouldShiftUndecided() {
        begin(1, 2);
        assertThat(served(1, 1, 3_000, 1, 2).staleness).as("1 not gone yet").isEqualTo(CommitTimes.FRESH);
        assertThat(served(1, 1, 3_000, 2, 3).staleness).as("1 gone, 3 moved up").isEqualTo(CommitTimes.FRESH);
        assertThat(served(1, 2, 3_000, 3).staleness).isEqualTo(CommitTimes.FRESH);
        assertThat(served(1, 2, 3_000).staleness).isEqualTo(CommitTimes.FRESH);
        assertThat(served(2, 1, 3_000, 1, 4).staleness).as("1 arrived").isEqualTo(CommitTimes.FRESH);
        assertThat(served(2, 1, 3_000, 4, 5).staleness).isEqualTo(CommitTimes.FRESH);
        var notEvenMaybe = served(1, 1, 3_000, 2, 4);
        assertThat(notEvenMaybe.missing).as("2 is on page 1 in either case").isZero();
        assertThat(notEvenMaybe.extra).isEqualTo(1);
    }

    @Test
    void aProductLeavingBelowThePage_shiftsItsWindow_andTheOldWindowIsStaleWithinOrBeyondTheBound() {
        commit(1, 2, 2_000);
        var shifted = served(1, 1, 2_000 + SECOND / 2, 1, 2);
        assertThat(shifted.extra).as("1 left").isEqualTo(1);
        assertThat(shifted.missing).as("3 moved up into page 1").isEqualTo(1);
        assertThat(shifted.staleness).isEqualTo(SECOND / 2);
        var later = served(1, 1, 2_000 + 3 * SECOND, 1, 2);

        var tally = new ConsistencyTally(Duration.ofSeconds(1));
        tally.read(2, 0, shifted.missing, shifted.extra, shifted.staleness);
        tally.read(2, 0, later.missing, later.extra, later.staleness);
        tally.read(2, 0, 0, 0, served(1, 1, 2_000 + 3 * SECOND, 2, 3).staleness);
        assertThat(tally.fresh).isEqualTo(1);
        assertThat(tally.staleWithin).isEqualTo(1);
        assertThat(tally.staleBeyond).isEqualTo(1);
        assertThat(tally.missingItems).isEqualTo(2);
        assertThat(tally.extraItems).isEqualTo(2);
    }

    @Test
    void aMoveAbovePage_doesNotMakeTheLowerPageStale() {
        commit(6, 1, 2_000);
        assertThat(served(1, 1, 3_000, 1, 2).staleness).isEqualTo(CommitTimes.FRESH);
        var page2 = served(1, 2, 3_000, 3);
        assertThat(page2.missing).isEqualTo(1);
        assertThat(page2.staleness).isEqualTo(1_000);
    }

    @Test
    void aProductLeavesACategorysCandidates_onlyOnceNoReadInProgressMaySeeItThere() {
        commit(1, 2, 2_000);
        clock.set(1_500);
        listings.started(0);
        clock.set(5_000);
        commit(5, 1, 6_000);
        assertThat(listings.candidates(1)).as("a read began at 1,500, before 1 left").containsExactly(1, 2, 3, 5);
        listings.finished(0);
        commit(6, 1, 7_000);
        assertThat(listings.candidates(1)).containsExactly(2, 3, 5, 6);
        var check = served(1, 1, 8_000, 1, 2);
        assertThat(check.extra).as("a product no longer a candidate is still caught").isEqualTo(1);
        assertThat(check.staleness).as("since 1 left: the later moves are of products above it").isEqualTo(6_000);
    }
}
