package io.cachepipe.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Which products a page of the {@code category-products} view must list, may list, or must not list for a
 * read that began at {@code r}, from the writers' history ({@link CommitTimes}). The view's SQL is
 * {@code WHERE category_id = :category_id ORDER BY id LIMIT 20 OFFSET (:page - 1) * 20} (examples/catalog/views.yaml):
 * page {@code p} holds the members of rank {@code (p - 1) * 20} to {@code p * 20 - 1} by id. A product that
 * is in the category in every state the read may see ({@link CommitTimes.Membership#MUST}) and whose rank is
 * in the page's window whichever of the undecided products below it count must be listed; one that may be a
 * member and may rank in the window may be listed; any other must not be.
 *
 * <p>A page that misses a product it must list, or lists one it must not, is stale since the newest commit
 * that returned before {@code r} and moved a product with an id no greater than it into or out of the
 * category: before that commit the page may have been right, since then it was wrong (a lower bound, as for
 * items). Without such a commit, since the run started.
 *
 * <p>Per category, the products that are or were lately in it ({@code candidates}, copied on write: moves are
 * rare, reads many) and the moves in and out of it. A product leaves a category's candidates only when no read
 * still to be checked may see it there ({@link #started}).
 */
final class Listings {
    private final CommitTimes commits;
    private final int pageSize;
    private final Category[] categories;
    /** Per reader, the start of the read it is checking, or {@link Long#MAX_VALUE} between reads. */
    private final AtomicLongArray reading;
    private final LongSupplier nanoTime;

    /** On {@link System#nanoTime()}, the clock of {@link CommitTimes}. */
    Listings(CommitTimes commits, int categories, int pageSize, int readers) {
        this(commits, categories, pageSize, readers, System::nanoTime);
    }

    Listings(CommitTimes commits, int categories, int pageSize, int readers, LongSupplier nanoTime) {
        this.commits = commits;
        this.nanoTime = nanoTime;
        this.pageSize = pageSize;
        this.categories = new Category[categories];
        List<List<Long>> members = new ArrayList<>();
        for (int i = 0; i < categories; i++) {
            members.add(new ArrayList<>());
        }
        for (long id = 1; id <= commits.products(); id++) {
            int category = commits.row(id).category();
            if (category >= 1 && category <= categories) {
                members.get(category - 1).add(id);
            }
        }
        for (int i = 0; i < categories; i++) {
            this.categories[i] = new Category(members.get(i).stream().mapToLong(Long::longValue).toArray());
        }
        this.reading = new AtomicLongArray(readers);
        for (int i = 0; i < readers; i++) {
            reading.set(i, Long.MAX_VALUE);
        }
    }

    /**
     * Reader {@code reader} starts a read: answers its start time, published before it is taken, so that no product
     * this read may see in a category leaves the category's candidates before {@link #finished}.
     */
    long started(int reader) {
        reading.set(reader, nanoTime.getAsLong());
        return nanoTime.getAsLong();
    }

    void finished(int reader) {
        reading.lazySet(reader, Long.MAX_VALUE);
    }

    /** Product {@code id} may be in {@code category} from now on (its commit is about to be sent); after {@link CommitTimes.Row#begin}. */
    void entering(int category, long id) {
        if (category < 1 || category > categories.length) {
            return;
        }
        long oldest = nanoTime.getAsLong(); // taken before the readers' starts: a read not yet published starts after it
        for (int i = 0; i < reading.length(); i++) {
            oldest = Math.min(oldest, reading.get(i));
        }
        categories[category - 1].enter(id, category, oldest, commits);
    }

    /** The commit that moved product {@code id} from one category to another returned at {@code nanos}. */
    void moved(long id, int from, int to, long nanos) {
        for (int category : new int[] {from, to}) {
            if (category >= 1 && category <= categories.length) {
                categories[category - 1].event(id, nanos);
            }
        }
    }

    /** The products {@code category}'s pages are checked against, by id. */
    long[] candidates(int category) {
        return categories[category - 1].candidates.clone();
    }

    /** Checks page {@code page} of {@code category} as served ({@code check.served}) to a read that began at {@code readStart}. */
    void check(int category, int page, long readStart, PageCheck check) {
        check.reset();
        if (category < 1 || category > categories.length) {
            throw new IllegalArgumentException("category " + category + " was not seeded (1.." + categories.length + ")");
        }
        Category listing = categories[category - 1];
        long first = (long) (page - 1) * pageSize;
        long end = first + pageSize;
        long listed = 0; // served items matched with a candidate, one bit each (a page holds at most pageSize items)
        int below = 0; // members below the product in every state the read may see
        int belowAtMost = 0; // members below it in some state
        for (long id : listing.candidates) {
            if (below >= end) {
                break;
            }
            CommitTimes.Membership membership = commits.row(id).membership(category, readStart);
            if (membership == CommitTimes.Membership.NOT) {
                continue;
            }
            boolean may = below < end && belowAtMost >= first;
            boolean must = membership == CommitTimes.Membership.MUST && below >= first && belowAtMost < end;
            int at = check.indexOf(id);
            if (at >= 0) {
                listed |= 1L << at;
                if (!may) {
                    check.extra(readStart - listing.changedSince(id, readStart, commits.startNanos()));
                }
            } else if (must) {
                check.missing(readStart - listing.changedSince(id, readStart, commits.startNanos()));
            }
            if (membership == CommitTimes.Membership.MUST) {
                below++;
            }
            belowAtMost++;
        }
        for (int at = 0; at < check.size; at++) {
            if ((listed & (1L << at)) == 0) {
                check.extra(readStart - listing.changedSince(check.served[at], readStart, commits.startNanos()));
            }
        }
    }

    /** One reader's page as served, and what {@link #check} found in it: products missing, products listed that must not be. */
    static final class PageCheck {
        private final long[] served;
        int size;
        int missing;
        int extra;
        /** Of the stalest missing or extra product, in ns; {@link CommitTimes#FRESH} without one. */
        long staleness = CommitTimes.FRESH;

        PageCheck(int pageSize) {
            this.served = new long[Math.min(64, pageSize)];
        }

        void clear() {
            size = 0;
        }

        /** An item of the page; false when the page holds more than a page's items. */
        boolean add(long id) {
            if (size == served.length) {
                return false;
            }
            served[size++] = id;
            return true;
        }

        private void reset() {
            missing = 0;
            extra = 0;
            staleness = CommitTimes.FRESH;
        }

        private int indexOf(long id) {
            for (int i = 0; i < size; i++) {
                if (served[i] == id) {
                    return i;
                }
            }
            return -1;
        }

        private void missing(long stale) {
            missing++;
            staleness = Math.max(staleness, stale);
        }

        private void extra(long stale) {
            extra++;
            staleness = Math.max(staleness, stale);
        }
    }

    /** One category: its candidates by id, and when each move in or out of it returned. */
    private static final class Category {
        private volatile long[] candidates;
        private long[] eventNanos = new long[16];
        private long[] eventIds = new long[16];
        private int events;

        Category(long[] members) {
            this.candidates = members;
        }

        /** Adds {@code id}, and drops the candidates no read from {@code oldest} on may see in the category. */
        synchronized void enter(long id, int category, long oldest, CommitTimes commits) {
            long[] kept = Arrays.stream(candidates)
                    .filter(c -> c == id || commits.row(c).membership(category, oldest) != CommitTimes.Membership.NOT).toArray();
            if (Arrays.binarySearch(kept, id) < 0) {
                kept = Arrays.copyOf(kept, kept.length + 1);
                kept[kept.length - 1] = id;
                Arrays.sort(kept);
            }
            candidates = kept;
        }

        synchronized void event(long id, long nanos) {
            if (events == eventNanos.length) {
                eventNanos = Arrays.copyOf(eventNanos, events * 2);
                eventIds = Arrays.copyOf(eventIds, events * 2);
            }
            eventNanos[events] = nanos;
            eventIds[events++] = id;
        }

        /**
         * When the newest move of a product with an id at most {@code id} in or out of it returned before {@code readStart}.
         * Writers note moves as their commits return, nearly but not exactly in order, so all are looked at: this runs only
         * for a page found wrong.
         */
        synchronized long changedSince(long id, long readStart, long runStart) {
            long newest = runStart;
            for (int i = 0; i < events; i++) {
                if (eventNanos[i] < readStart && eventIds[i] <= id) {
                    newest = Math.max(newest, eventNanos[i]);
                }
            }
            return newest;
        }
    }
}
