package io.cachepipe.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Parsers for setting text. Each failure message says what was expected. */
public final class Parsers {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Parsers() {
    }

    public static Setting.Parser<String> text() {
        return text -> text;
    }

    public static Setting.Parser<String> nonBlank() {
        return text -> {
            if (text.isBlank()) {
                throw new IllegalArgumentException("must not be blank");
            }
            return text.strip();
        };
    }

    public static Setting.Parser<Integer> integer(int min, int max) {
        return text -> {
            int value;
            try {
                value = Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a whole number");
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException("expected a number from " + min + " to " + max);
            }
            return value;
        };
    }

    /** A share: more than 0, at most 1. */
    public static Setting.Parser<Double> fraction() {
        return text -> {
            double value;
            try {
                value = Double.parseDouble(text.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a number");
            }
            if (!(value > 0 && value <= 1)) {
                throw new IllegalArgumentException("expected a share above 0 and at most 1, such as 0.01");
            }
            return value;
        };
    }

    public static Setting.Parser<Integer> port() {
        return integer(0, 65535);
    }

    public static Setting.Parser<Boolean> bool() {
        return text -> switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    public static Setting.Parser<Duration> duration(Duration min, Duration max) {
        return text -> {
            Duration value = parseDuration(text);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException("expected a duration from " + format(min) + " to " + format(max));
            }
            return value;
        };
    }

    public static <E extends Enum<E>> Setting.Parser<E> oneOf(Class<E> type) {
        return text -> {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(text.strip().replace('-', '_'))) {
                    return constant;
                }
            }
            throw new IllegalArgumentException("expected one of " + Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
        };
    }

    public static Setting.Parser<URI> uri(String... schemes) {
        return text -> {
            URI uri;
            try {
                uri = URI.create(text.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a valid URI");
            }
            if (schemes.length > 0 && !List.of(schemes).contains(uri.getScheme())) {
                throw new IllegalArgumentException("expected a URI starting with " + String.join(":// or ", schemes) + "://");
            }
            return uri;
        };
    }

    public static Setting.Parser<List<String>> list() {
        return text -> Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Accepts {@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 2d} and ISO-8601 ({@code PT10S}). */
    public static Duration parseDuration(String text) {
        String trimmed = text.strip().toLowerCase(Locale.ROOT);
        var matcher = DURATION.matcher(trimmed);
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("expected a duration such as 250ms, 10s, 5m, 1h or 2d");
        }
    }

    public static String format(Duration duration) {
        long ms = duration.toMillis();
        if (ms % 86_400_000 == 0 && ms > 0) return ms / 86_400_000 + "d";
        if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0 && ms > 0) return ms / 1000 + "s";
        return ms + "ms";
    }
}
