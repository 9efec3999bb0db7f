package io.cachepipe.core.render;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import org.jspecify.annotations.Nullable;

/**
 * Renders a {@code timestamptz} text that is already almost in the form {@link RowJson#utc} writes, so that
 * a row image can take it as it is instead of parsing it into an {@link java.time.OffsetDateTime} and
 * formatting it again: Debezium writes every instant at UTC, and the round trip was an eighth of the
 * invalidator's stream threads' time. The form is {@code yyyy-MM-ddTHH:mm:ss}, then a fraction of one to
 * nine digits, then {@code Z}; the date and time must exist. {@code RowJson.utc} writes the fraction
 * without trailing zeros (none at all for a whole second), while Debezium pads it to the column's
 * precision ({@code 07:38:12.050000Z} for a {@code timestamptz(6)}), so the zeros are cut here. Anything
 * else (an offset, a year beyond four digits) goes the long way.
 */
final class UtcText {
    private static final int WHOLE_SECOND_LENGTH = "2026-12-06T07:38:12Z".length();

    private UtcText() {
    }

    /** What {@code RowJson.utc(OffsetDateTime.parse(text))} answers, if {@code text} has the form above; else null. */
    static @Nullable String rendered(String text) {
        int length = text.length();
        if (length < WHOLE_SECOND_LENGTH || length == WHOLE_SECOND_LENGTH + 1 || length > WHOLE_SECOND_LENGTH + 10
                || text.charAt(length - 1) != 'Z') {
            return null;
        }
        if (text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        if (!exists(digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10), digits(text, 11, 13), digits(text, 14, 16),
                digits(text, 17, 19))) {
            return null;
        }
        if (length == WHOLE_SECOND_LENGTH) {
            return text;
        }
        if (text.charAt(19) != '.' || digits(text, 20, length - 1) < 0) {
            return null;
        }
        int end = length - 1; // just past the fraction's last significant digit
        while (end > 20 && text.charAt(end - 1) == '0') {
            end--;
        }
        if (end == length - 1) {
            return text;
        }
        return end == 20 ? text.substring(0, 19) + 'Z' : text.substring(0, end) + 'Z';
    }

    private static boolean exists(int year, int month, int day, int hour, int minute, int second) {
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
            return false;
        }
        try {
            LocalDateTime.of(year, month, day, hour, minute, second);
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    /** The decimal number in {@code text[from, to)}, or -1 if a character there is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
