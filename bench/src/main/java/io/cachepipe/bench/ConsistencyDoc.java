package io.cachepipe.bench;

import static io.cachepipe.bench.Markdown.fmt;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The consistency report as people read it: the table {@code bench consistency} prints and the
 * stale-read section of docs/benchmarks.md, both from one list of cells.
 */
final class ConsistencyDoc {
    static final List<String> HEADER = List.of("view", "phase", "reads checked", "fresh", "stale ≤ bound", "stale > bound",
            "stale-beyond rate", "stale p50 ms", "stale p99 ms", "stale max ms", "items checked", "stale items", "missing / extra items", "errors");

    private ConsistencyDoc() {
    }

    static List<List<String>> rows(ConsistencyReport report) {
        List<List<String>> rows = new ArrayList<>();
        for (ConsistencyReport.View view : report.views()) {
            rows.add(List.of(view.view(), view.phase(), fmt("%,d", view.reads()), fmt("%,d", view.fresh()), fmt("%,d", view.staleWithin()),
                    fmt("%,d", view.staleBeyond()), view.ninesText(), fmt("%.1f", view.staleness().p50()), fmt("%.1f", view.staleness().p99()),
                    fmt("%.1f", view.staleness().max()), fmt("%,d", view.items()), fmt("%,d", view.staleItems()),
                    view.missingItems() == null || view.extraItems() == null ? "not checked"
                            : fmt("%,d / %,d", view.missingItems(), view.extraItems()), fmt("%,d", view.errors())));
        }
        return rows;
    }

    /** What the command prints at the end of a run. */
    static String text(ConsistencyReport report) {
        var text = new StringBuilder(summary(report)).append('\n');
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        rows.addAll(rows(report));
        int[] widths = new int[HEADER.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                text.append(i == 0 ? "" : "  ").append(i < 2 ? pad(row.get(i), widths[i], false) : pad(row.get(i), widths[i], true));
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** The section of docs/benchmarks.md. */
    static String markdown(ConsistencyReport report) {
        var md = new StringBuilder("## Stale-read rate\n\n");
        md.append("How often a read through the API serves a value older than what PostgreSQL had committed when the read began, as a "
                + "rate in nines (as Meta's Polaris reports cache consistency), measured by a checker outside the pipeline: the pipeline's "
                + "own timers and audit play no part. Writers set each product's `stock` to a counter only they raise, one value per "
                + "single-row commit, and note on the benchmark's clock when each commit *returned*. Readers stamp each read before "
                + "sending it on the same clock. A read that began at *r* and was served counter *c* is **fresh** when *c* is at least the "
                + "newest value whose commit returned before *r* (a commit still in flight may or may not be visible, so either answer is "
                + "fresh); otherwise it is **stale** by *r* minus the return of *c + 1*, the first value it missed, and stale **within** "
                + "or **beyond** the bound. A listing page is checked item by item and by the products it lists: from the writers' "
                + "history (each product's category after each commit), the checker knows which products the view's SQL (`WHERE "
                + "category_id = ? ORDER BY id LIMIT 20 OFFSET (page - 1) * 20`) must list for a read that began at *r* (in the category "
                + "in every state the read may see, and ranked inside the page's window whichever undecided product below them counts), "
                + "which it may list (a move in flight at *r* may or may not be visible, and shifts the window of every page above it) and "
                + "which it must not. A page that misses a product it must list (one that moved in, or moved up into the window) or lists "
                + "one it must not (one that moved out, or out of the window) is **stale** too, by *r* minus the return of the latest move "
                + "in or out of the category of a product ranked at or below it; the page is as stale as its stalest item or product "
                + "(*missing / extra items* counts them). Each product is judged on its own: a page that agrees with each product's "
                + "possible states but with no one state of them all (two moves in flight, neither shown) is not caught. "
                + "Reproduce with `bin/bench "
                + "consistency --publish` (1,000,000 reads); `--reads 10000000` runs ten times as long for one more nine of resolution "
                + "(keep the machine otherwise idle: a build beside it made stale reads beyond the bound of its own); "
                + "`--fault all` (or a comma list of " + ConsistencyFaults.names() + ") injects faults in turn in the benchmark's own "
                + "process.\n\n");
        md.append(summary(report)).append("\n\n");
        md.append('|');
        HEADER.forEach(cell -> md.append(' ').append(cell).append(" |"));
        md.append("\n|");
        for (int i = 0; i < HEADER.size(); i++) {
            md.append(i < 2 ? " --- |" : " ---: |");
        }
        md.append('\n');
        for (List<String> row : rows(report)) {
            md.append('|');
            row.forEach(cell -> md.append(' ').append(cell).append(" |"));
            md.append('\n');
        }
        md.append('\n').append(limits(report)).append("\n\n");
        return md.toString();
    }

    private static String summary(ConsistencyReport report) {
        var meta = report.meta();
        String fault = report.faults().isEmpty() ? "" : fmt(" %s: %s; the reads that began in a fault's window, from its start until "
                + "the pipeline had caught up again, are tallied apart (a row per view and fault), and the steady rows exclude every window.",
                report.faults().size() == 1 ? "Fault" : "Faults, injected in turn, spaced evenly across the reads",
                report.faults().stream().map(f -> fmt("%s at read %,d (%scaught up %.1f s after it began)", f.name(), f.atRead(),
                        f.description().isEmpty() ? "" : f.description() + "; ", f.seconds())).collect(Collectors.joining("; ")));
        return fmt("Run of %s, %d cores, commit `%s`: %,d products in %d categories (Zipf %s), %,d reads over %d closed-loop connections "
                        + "in %.0f s (%,.0f reads/s, %s%% listing pages) %s; %,d single-row "
                        + "commits at %,.0f/s (%,d of them moves, %d failed); bound %.0f ms.%s",
                meta.date(), meta.cores(), meta.commit(), report.products(), report.categories(), meta.settings().getOrDefault("zipf", "?"),
                report.reads(), report.connections(), report.seconds(), report.readsPerSecond(),
                fmt("%.0f", 100 * Double.parseDouble(meta.settings().getOrDefault("listingShare", "0"))),
                meta.settings().getOrDefault("settings", "{}").equals("{}") ? "through the default API (near cache + Redis)"
                        : "through the API with " + meta.settings().get("settings"),
                report.written(), report.writesPerSecond(), report.moved(), report.writeFailures(), report.boundMs(), fault);
    }

    /** What bounds the figures: the reads' count bounds the nines one can claim, the machine's CPU the rates and ages. */
    private static String limits(ConsistencyReport report) {
        int cores = report.meta().cores();
        double exponent = Double.parseDouble(report.meta().settings().getOrDefault("zipf", "1"));
        double harmonic = 0;
        for (int rank = 1; rank <= report.products(); rank++) {
            harmonic += Math.pow(rank, -exponent);
        }
        double hottest = 1 / harmonic; // the share of the first rank under Zipf
        String machine = report.machineBusy() >= 0.9
                ? fmt("the machine's CPU: %.0f%% of its %d cores busy", 100 * report.machineBusy(), cores)
                : fmt("round trips more than CPU: %.0f%% of the machine's %d cores busy", 100 * report.machineBusy(), cores);
        return fmt("What limited these figures: %s while the readers ran, %.2f cores of it this benchmark's JVM (readers, writers, the "
                        + "API, the pipeline and the in-process Kafka broker), the rest PostgreSQL, Redis and whatever else ran on the "
                        + "machine. So the read rate is this machine's, and a stale read's age includes the time the pipeline waited for "
                        + "a core. The nines are bounded by the reads: a view with no read stale beyond the bound can only say ≥ "
                        + "log10(its reads) nines (%,d reads in all: ≥ %.1f), and each further nine needs ten times the reads. Only rows "
                        + "the writers change can be stale, and writes follow the reads' skew: at %,.0f commits/s over %,d products, "
                        + "the hottest product takes %.0f%% of the reads and of the writes, so it changes %.0f times a second (every %.0f "
                        + "ms), while most products change less than once a minute.",
                machine, report.processCores(), report.reads(), Math.log10(Math.max(1, report.reads())), report.writesPerSecond(),
                report.products(), 100 * hottest, hottest * report.writesPerSecond(), 1000 / (hottest * report.writesPerSecond()));
    }

    private static String pad(String text, int width, boolean right) {
        String spaces = " ".repeat(Math.max(0, width - text.length()));
        return right ? spaces + text : text + spaces;
    }
}
