package io.cachepipe.core.render;

import java.time.DateTimeException;
import java.time.LocalDateTime;

/**
 * Recognises a {@code timestamptz} text that is already in the form {@link RowJson#utc} renders, so that a
 * row image can pass it through instead of parsing it into an {@link java.time.OffsetDateTime} and
 * formatting it again: Debezium writes every instant that way, and the round trip was an eighth of the
 * invalidator's stream threads' time. The form is {@code yyyy-MM-ddTHH:mm:ss}, then a fraction of one to
 * nine digits without a trailing zero (none for a whole second), then {@code Z}; the date and time must
 * exist. Anything else (an offset, a trailing zero, a year beyond four digits) goes the long way.
 */
final class UtcText {
    private static final int WHOLE_SECOND_LENGTH = "2026-12-06T07:38:12Z".length();

    private UtcText() {
    }

    /** Whether {@code RowJson.utc(OffsetDateTime.parse(text))} would answer {@code text} itself. */
    static boolean isRendered(String text) {
        int length = text.length();
        if (length < WHOLE_SECOND_LENGTH || length == WHOLE_SECOND_LENGTH + 1 || length > WHOLE_SECOND_LENGTH + 10
                || text.charAt(length - 1) != 'Z') {
            return false;
        }
        if (text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return false;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
            return false;
        }
        if (length > WHOLE_SECOND_LENGTH) {
            if (text.charAt(19) != '.' || text.charAt(length - 2) == '0' || digits(text, 20, length - 1) < 0) {
                return false;
            }
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
