package io.cachepipe.core.audit;

import io.cachepipe.core.change.Version;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What one audit found, per view.
 *
 * @param caughtUp whether the pipeline passed the audit's watermark before mismatches were
 *                 rechecked; if not, mismatches that remain are counted as unconfirmed, not incoherent
 */
public record AuditReport(List<ViewFindings> views, Duration took, boolean caughtUp) {
    /** How a cached value disagrees with the database. */
    public enum Kind {
        /** Both have the row, with different contents. */
        STALE,
        /** The cache says "not found", the database has the row. */
        MISSING,
        /** The cache has a row the database no longer has. */
        EXTRA
    }

    /** One incoherent entry. */
    public record Finding(Kind kind, String key, Version cachedVersion) {
    }

    /**
     * One view's figures.
     *
     * @param cachedKeys keys the view's registry names
     * @param checked    keys holding a current value that were compared with the database
     * @param unconfirmed mismatches that could not be confirmed because the pipeline had not caught up
     */
    public record ViewFindings(String view, long cachedKeys, long checked, long stale, long missing, long extra,
                               long unconfirmed, List<Finding> examples) {
        public long incoherent() {
            return stale + missing + extra;
        }
    }

    public long checked() {
        return views.stream().mapToLong(ViewFindings::checked).sum();
    }

    public long incoherent() {
        return views.stream().mapToLong(ViewFindings::incoherent).sum();
    }

    public long unconfirmed() {
        return views.stream().mapToLong(ViewFindings::unconfirmed).sum();
    }

    /** No incoherent entry; there may be unconfirmed ones if the pipeline was behind. */
    public boolean clean() {
        return incoherent() == 0;
    }

    /** A table per view, then the examples. */
    public String render() {
        var out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-24s %10s %9s %7s %8s %7s %12s%n", "view", "cached", "checked", "stale",
                "missing", "extra", "unconfirmed"));
        for (ViewFindings view : views) {
            out.append(String.format(Locale.ROOT, "%-24s %10d %9d %7d %8d %7d %12d%n", view.view(), view.cachedKeys(),
                    view.checked(), view.stale(), view.missing(), view.extra(), view.unconfirmed()));
        }
        for (ViewFindings view : views) {
            for (Finding finding : view.examples()) {
                out.append(String.format(Locale.ROOT, "  %-7s %s (cached version %s)%n", finding.kind(), finding.key(),
                        finding.cachedVersion().pgLsn()));
            }
        }
        out.append(String.format(Locale.ROOT, "%s: %d of %d checked entries incoherent, in %.1f s%s%n",
                !clean() ? "INCOHERENT" : unconfirmed() > 0 ? "UNCONFIRMED" : "CLEAN", incoherent(), checked(),
                took.toMillis() / 1000.0, caughtUp ? "" : "; the pipeline did not catch up within the settle time, so "
                        + unconfirmed() + " mismatches may be changes in flight: audit again"));
        return out.toString();
    }
}
