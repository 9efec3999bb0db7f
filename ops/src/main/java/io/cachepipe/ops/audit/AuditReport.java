package io.cachepipe.ops.audit;

import io.cachepipe.core.change.Version;
import io.cachepipe.store.redis.CacheLoss;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What one audit found, per view, and what it can vouch for ({@link #verdict()}).
 *
 * @param caughtUp whether the pipeline passed the audit's watermark before mismatches were
 *                 rechecked; if not, mismatches that remain are counted as unconfirmed, not incoherent
 * @param loss     Redis lost the namespace and no rebuild of every view ran since ({@link CacheLoss}); null if not
 */
public record AuditReport(List<ViewFindings> views, Duration took, boolean caughtUp, CacheLoss.@Nullable Loss loss) {
    /** How a cached value disagrees with the database. */
    public enum Kind {
        /** Both have the row, with different contents. */
        STALE,
        /** The cache says "not found", the database has the row. */
        MISSING,
        /** The cache has a row the database no longer has. */
        EXTRA
    }

    /** What the audit can say, worst first. */
    public enum Verdict {
        /** Some compared value differs from the database, confirmed after the pipeline caught up. */
        INCOHERENT,
        /** Mismatches remain but the pipeline did not catch up within the settle time: they may be changes in flight. */
        UNCONFIRMED,
        /** Redis lost the namespace's entries and no rebuild of every view has run since. */
        LOST,
        /** No entry held a value to compare. Only an error when keys were expected ({@link #expectedKeys()}). */
        NOTHING_TO_CHECK,
        /** Every compared value equals the database, and at least one was compared. */
        CLEAN;

        public String label() {
            return name().replace('_', ' ');
        }
    }

    /** One incoherent entry. */
    public record Finding(Kind kind, String key, Version cachedVersion) {
    }

    /**
     * One view's figures. Every registered entry the sample kept is in exactly one of: checked, pending,
     * expired, gone, unread.
     *
     * @param registered  entries the view's registry names (for a pattern view: the members of its groups)
     * @param checked     entries holding a current value, compared with the database
     * @param unconfirmed mismatches that could not be confirmed because the pipeline had not caught up
     * @param pending     entries holding no current value yet: invalidated and awaiting their re-warm (or their next read),
     *                    flushed, or being filled
     * @param expired     entries whose key is gone because its value's TTL ran out (the registry forgets them on its own)
     * @param gone        entries whose key Redis no longer holds although its value's TTL has not run out: Redis lost
     *                    or evicted it, or a flush or an invalidation without re-warm dropped it over a tombstone TTL ago
     * @param pruned      gone or expired entries removed from the registry ({@code --fix})
     * @param goneKeys    a few of the gone keys
     * @param unread      entries Redis did not answer for within {@code redis.timeout} (a value of many megabytes):
     *                    not compared, so the audit cannot call the view clean
     * @param unreadKeys  a few of the unread keys
     */
    public record ViewFindings(String view, long registered, long checked, long stale, long missing, long extra,
                               long unconfirmed, long pending, long expired, long gone, long pruned,
                               List<Finding> examples, List<String> goneKeys, long unread, List<String> unreadKeys) {
        public ViewFindings {
            examples = List.copyOf(examples);
            goneKeys = List.copyOf(goneKeys);
            unreadKeys = List.copyOf(unreadKeys);
        }

        /** A view whose every sampled entry was read. */
        public ViewFindings(String view, long registered, long checked, long stale, long missing, long extra, long unconfirmed,
                            long pending, long expired, long gone, long pruned, List<Finding> examples, List<String> goneKeys) {
            this(view, registered, checked, stale, missing, extra, unconfirmed, pending, expired, gone, pruned, examples, goneKeys,
                    0, List.of());
        }

        public long incoherent() {
            return stale + missing + extra;
        }
    }

    public long registered() {
        return sum(ViewFindings::registered);
    }

    public long checked() {
        return sum(ViewFindings::checked);
    }

    public long incoherent() {
        return sum(ViewFindings::incoherent);
    }

    public long unconfirmed() {
        return sum(ViewFindings::unconfirmed);
    }

    public long pending() {
        return sum(ViewFindings::pending);
    }

    public long expired() {
        return sum(ViewFindings::expired);
    }

    public long gone() {
        return sum(ViewFindings::gone);
    }

    public long pruned() {
        return sum(ViewFindings::pruned);
    }

    public long unread() {
        return sum(ViewFindings::unread);
    }

    /** No compared value differs from the database. Says nothing about how much was compared: see {@link #verdict()}. */
    public boolean coherent() {
        return incoherent() == 0;
    }

    /** Whether the cache should have held entries: its registries name some, or Redis lost what it held. */
    public boolean expectedKeys() {
        return registered() > 0 || loss != null;
    }

    public Verdict verdict() {
        if (incoherent() > 0) {
            return Verdict.INCOHERENT;
        }
        if (unconfirmed() > 0 || unread() > 0) {
            return Verdict.UNCONFIRMED;
        }
        if (loss != null) {
            return Verdict.LOST;
        }
        return checked() == 0 ? Verdict.NOTHING_TO_CHECK : Verdict.CLEAN;
    }

    /** A table per view, then the examples, then one line saying what was compared and what it means. */
    public String render() {
        var out = new StringBuilder();
        String row = "%-24s %10s %9s %7s %8s %7s %12s %8s %8s %9s%n";
        out.append(String.format(Locale.ROOT, row, "view", "registered", "checked", "stale", "missing", "extra", "unconfirmed",
                "pending", "expired", "gone"));
        for (ViewFindings view : views) {
            out.append(String.format(Locale.ROOT, row, view.view(), view.registered(), view.checked(), view.stale(), view.missing(),
                    view.extra(), view.unconfirmed(), view.pending(), view.expired(), view.gone()));
        }
        for (ViewFindings view : views) {
            for (Finding finding : view.examples()) {
                out.append(String.format(Locale.ROOT, "  %-8s %s (cached version %s)%n", finding.kind(), finding.key(),
                        finding.cachedVersion().pgLsn()));
            }
            for (String key : view.goneKeys()) {
                out.append(String.format(Locale.ROOT, "  %-8s %s (registered, but Redis holds nothing under it)%n", "GONE", key));
            }
            for (String key : view.unreadKeys()) {
                out.append(String.format(Locale.ROOT, "  %-8s %s (Redis did not answer within redis.timeout)%n", "UNREAD", key));
            }
        }
        out.append(summary()).append(String.format(Locale.ROOT, " (%.1f s)%n", took.toMillis() / 1000.0));
        return out.toString();
    }

    /** The verdict and what it rests on, in one line. */
    public String summary() {
        Verdict verdict = verdict();
        String compared = "compared " + checked() + " cached values with the database";
        String notCompared = "of " + registered() + " registered entries, not compared: " + pending() + " pending (no current value yet), "
                + expired() + " expired, " + gone() + " gone"
                + (gone() > 0 ? " (registered keys Redis no longer holds before their TTL ran out: lost or evicted, or flushed "
                        + "or invalidated without a re-warm over a tombstone TTL ago; --fix prunes their entries)" : "")
                + (pruned() > 0 ? "; " + pruned() + " entries of gone keys pruned from the registries" : "")
                + (unread() > 0 ? "; " + unread() + " unread: Redis did not answer for them within redis.timeout (values of many "
                        + "megabytes take longer); audit them with a longer one, e.g. CACHEPIPE_REDIS_TIMEOUT=10s" : "");
        return verdict.label() + ": " + switch (verdict) {
            case INCOHERENT -> incoherent() + " of the " + checked() + " values compared differ from the database; " + notCompared;
            case UNCONFIRMED -> compared + "; " + (unconfirmed() > 0 ? unconfirmed() + " mismatches remain, but the pipeline did not "
                    + "catch up within the settle time, so they may be changes in flight: audit again; " : "") + notCompared;
            case LOST -> {
                CacheLoss.Loss lost = java.util.Objects.requireNonNull(loss, "the verdict is LOST only when there is a loss");
                yield "Redis lost this namespace's entries at " + lost.at() + " (its registries named " + lost.total()
                        + " then: " + describe(lost) + ") and no rebuild of every view ran since; `cachepipe rebuild` refills "
                        + "them; " + (checked() == 0 ? "nothing cached since to compare" : "meanwhile " + compared + ", all equal")
                        + "; " + notCompared;
            }
            case NOTHING_TO_CHECK -> expectedKeys()
                    ? "no registered entry held a value to compare; " + notCompared
                    : "no view's registry names an entry: the cache holds nothing yet (reads fill it; `cachepipe rebuild` fills every view)";
            case CLEAN -> compared + ", all equal; " + notCompared;
        };
    }

    private static String describe(CacheLoss.Loss loss) {
        return loss.registered().entrySet().stream().map(entry -> entry.getKey() + " " + entry.getValue())
                .collect(Collectors.joining(", "));
    }

    private long sum(java.util.function.ToLongFunction<ViewFindings> figure) {
        return views.stream().mapToLong(figure).sum();
    }
}
