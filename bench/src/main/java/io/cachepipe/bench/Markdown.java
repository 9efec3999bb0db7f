package io.cachepipe.bench;

import java.util.Locale;

/** The text of a section of docs/benchmarks.md as it is written, line by line; figures format in {@link Locale#ROOT}. */
final class Markdown {
    private final StringBuilder text = new StringBuilder();

    /** A figure or a sentence with figures, the same on every machine (no locale's digit grouping or decimal comma). */
    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** Appends a line. */
    void line(String line) {
        text.append(line).append('\n');
    }

    /** Appends text as it is: another section, already ending in a newline. */
    void append(String section) {
        text.append(section);
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
