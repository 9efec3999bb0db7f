package io.cachepipe.cli.ops;

import io.cachepipe.ops.rebuild.Progress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Draws progress: on a terminal a bar redrawn in place with rate and ETA, otherwise (a log file, CI)
 * a plain line every few seconds and at the end of each phase.
 */
final class ProgressPrinter implements Progress {
    /** How progress is shown. */
    enum Mode { AUTO, BAR, LINES, NONE }

    private static final long BAR_EVERY_NS = 100_000_000L;
    private static final long LINE_EVERY_NS = 5_000_000_000L;
    private final PrintWriter out;
    private final boolean bar;
    private final boolean quiet;
    private String phase = "";
    private long phaseStarted;
    private long lastDrawn;
    private boolean drawnBar;

    ProgressPrinter(PrintWriter out, Mode mode) {
        this.out = out;
        this.quiet = mode == Mode.NONE;
        this.bar = mode == Mode.BAR || mode == Mode.AUTO && isTerminal();
    }

    @Override
    public synchronized void update(String phase, long done, long total) {
        if (quiet) {
            return;
        }
        long now = System.nanoTime();
        if (!phase.equals(this.phase)) {
            finish();
            this.phase = phase;
            phaseStarted = now;
            lastDrawn = 0;
        }
        boolean complete = total > 0 && done >= total;
        if (!complete && lastDrawn != 0 && now - lastDrawn < (bar ? BAR_EVERY_NS : LINE_EVERY_NS)) {
            return;
        }
        lastDrawn = now;
        double seconds = Math.max((now - phaseStarted) / 1e9, 1e-3);
        double rate = done / seconds;
        String eta = total > 0 && rate > 0 && !complete ? " ETA " + duration((total - done) / rate) : "";
        if (bar) {
            int width = 30;
            int filled = total > 0 ? (int) Math.min(width, width * done / total) : 0;
            out.print(String.format(Locale.ROOT, "\r%-28s [%s%s] %5.1f%% %,d/%,d %,.0f/s%s   ", phase, "#".repeat(filled),
                    ".".repeat(width - filled), total > 0 ? 100.0 * done / total : 0.0, done, total, rate, eta));
            drawnBar = true;
        } else {
            out.println(String.format(Locale.ROOT, "%s: %,d/%,d (%.1f%%), %,.0f/s%s", phase, done, total,
                    total > 0 ? 100.0 * done / total : 100.0, rate, eta));
        }
        out.flush();
    }

    /** Ends a bar's line. */
    synchronized void finish() {
        if (drawnBar) {
            out.println();
            out.flush();
            drawnBar = false;
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** {@code System.console()} is not enough on JDK 22+, which answers a console even when redirected. */
    private static boolean isTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
