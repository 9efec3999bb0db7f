package io.cachepipe.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UtcTextTest {
    @Test
    void everyRenderedInstant_isRecognised() {
        var random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            String rendered = RowJson.utc(OffsetDateTime.ofInstant(anInstant(random, i), ZoneOffset.UTC));
            assertThat(UtcText.rendered(rendered)).as(rendered).isSameAs(rendered);
        }
    }

    /** Debezium pads the fraction to the column's precision: {@code 12.050000Z}, {@code 12.000000Z}. */
    @Test
    void aFractionPaddedWithZeros_isRenderedAsTheLongWayRendersIt() {
        var random = new SplittableRandom(11);
        for (int i = 0; i < 100_000; i++) {
            Instant instant = anInstant(random, i);
            String fraction = String.format("%09d", instant.getNano()).substring(0, 1 + i % 9);
            String text = instant.truncatedTo(ChronoUnit.SECONDS).toString().replace("Z", "." + fraction + "Z");
            String longWay = RowJson.utc(OffsetDateTime.parse(text));
            assertThat(UtcText.rendered(text)).as(text).isEqualTo(longWay);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"+10000-01-01T00:00:00Z", "-0043-03-15T12:00:00Z"})
    void yearsBeyondFourDigits_goTheLongWay(String text) {
        assertThat(UtcText.rendered(text)).isNull();
        assertThat(RowJson.utc(OffsetDateTime.parse(text))).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-06T07:38:12.056865Z", "2026-12-06T07:38:12Z", "2024-02-29T23:59:59.1Z", "0000-01-01T00:00:00Z",
            "2026-12-06T07:38:12.050Z", "2026-12-06T07:38:12.Z", "2026-12-06T07:38:12.0Z", "2026-12-06T07:38Z", "2026-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z", "2026-12-06T24:00:00Z", "2026-12-06T07:60:00Z", "2026-12-06T07:38:12+00:00", "2026-12-06T07:38:12+02:00",
            "2026-12-06 07:38:12Z", "2026-12-06T07:38:12.1234567890Z",
            "2026-12-06T07:38:12.123456789Z", "2026-1x-06T07:38:12Z", "infinity", ""})
    void rendersOnlyWhatTheLongWayRendersAlike(String text) {
        String rendered;
        try {
            rendered = RowJson.utc(OffsetDateTime.parse(text));
        } catch (DateTimeException e) {
            rendered = null;
        }
        String quick = UtcText.rendered(text);
        if (quick != null) {
            assertThat(quick).as("the long way for %s", text).isEqualTo(rendered);
        } else {
            assertThat(rendered).as("left to the long way, which changes or refuses it").isNotEqualTo(text);
        }
    }

    /** An instant of years 0 to 9999: a whole second, whole milliseconds, whole microseconds or any nanosecond, by {@code i}. */
    private static Instant anInstant(SplittableRandom random, int i) {
        long seconds = random.nextLong(Instant.parse("0000-01-01T00:00:00Z").getEpochSecond(),
                Instant.parse("9999-12-31T23:59:59Z").getEpochSecond());
        int nanos = switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
        };
        return Instant.ofEpochSecond(seconds, nanos);
    }
}
