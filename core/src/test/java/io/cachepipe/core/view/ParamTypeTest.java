package io.cachepipe.core.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.core.json.Json;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hostile values: every refusal is an IllegalArgumentException with a short reason, fast, never a wrapped or expanded value. */
@Timeout(10)
class ParamTypeTest {

    @Test
    void aDecimalWithAHugeExponent_isRefusedWithoutBeingExpanded() {
        for (String text : new String[] {"-1e999999999", "1e999999999", "1e-999999999", "1e1001", "1e-1001"}) {
            assertThatThrownBy(() -> ParamType.DECIMAL.parse(text)).as(text)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 1000");
            assertThatThrownBy(() -> ParamType.DECIMAL.fromJson(json(text))).as(text)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 1000");
        }
    }

    @Test
    void aDecimalWithinTheLimit_isKeptExactly() {
        assertThat((BigDecimal) ParamType.DECIMAL.parse("1e999")).isEqualByComparingTo(new BigDecimal("1e999"));
        assertThat(ParamType.DECIMAL.fromJson(json("9.99"))).isEqualTo(new BigDecimal("9.99"));
        assertThat(ParamType.DECIMAL.fromJson(json("\"9.99\""))).isEqualTo(new BigDecimal("9.99"));
        assertThat(ParamType.DECIMAL.parse("0." + "1".repeat(1000))).isInstanceOf(BigDecimal.class);
        assertThatThrownBy(() -> ParamType.DECIMAL.parse("0." + "1".repeat(1001))).hasMessageContaining("1001 after it");
    }

    @Test
    void decimalTextFarBeyondTheLimit_isRefusedBeforeParsing() {
        String huge = "1".repeat(1_000_000);
        assertThatThrownBy(() -> ParamType.DECIMAL.parse(huge)).hasMessageContaining("1000000 characters")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
    }

    @Test
    void aWholeNumberBeyondTheLongRange_isRefused_neverWrapped() {
        assertThatThrownBy(() -> ParamType.LONG.fromJson(json("18446744073709551617"))).hasMessageContaining("outside the long range");
        assertThatThrownBy(() -> ParamType.LONG.parse("18446744073709551617")).hasMessageContaining("outside the long range");
        assertThatThrownBy(() -> ParamType.LONG.parse("12abc")).hasMessage("'12abc' is not a whole number");
        assertThatThrownBy(() -> ParamType.INT.fromJson(json("2147483648"))).hasMessageContaining("outside the int range");
        assertThat(ParamType.LONG.fromJson(json("9223372036854775807"))).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aRefusalQuotesABoundedPrefixOfItsInput() {
        String junk = "x".repeat(100_000);
        for (ParamType type : new ParamType[] {ParamType.LONG, ParamType.INT, ParamType.UUID}) {
            assertThatThrownBy(() -> type.parse(junk)).as(type.name())
                    .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200).contains("100000 characters"));
        }
    }

    @Test
    void aDecimal_isOneKeyForEverySpellingOfItsNumber_asARequestOrAChangeImageGivesIt() {
        // A numeric(12,2) row image carries 359.10; a request may say 359.1, 359.100 or 3.591e2: PostgreSQL finds the same rows.
        String imageKey = ParamType.DECIMAL.render(ParamType.DECIMAL.fromJson(json("\"359.10\"")));
        for (String request : new String[] {"359.1", "359.10", "359.1000", " 3.591e2 ", "+359.100"}) {
            assertThat(ParamType.DECIMAL.render(ParamType.DECIMAL.parse(request))).as(request).isEqualTo(imageKey).isEqualTo("359.1");
        }
        assertThat(ParamType.DECIMAL.render(ParamType.DECIMAL.parse("1E+2"))).isEqualTo("100");
        assertThat(ParamType.DECIMAL.render(ParamType.DECIMAL.parse("-0.00"))).isEqualTo("0");
        assertThat(ParamType.DECIMAL.render(ParamType.DECIMAL.fromJson(json("100.00")))).isEqualTo("100");
    }

    @Test
    void aWrittenDecimal_keepsTheScaleItWasSentWith() {
        assertThat(ParamType.DECIMAL.asWritten(json("\"1.50\""))).isEqualTo(new BigDecimal("1.50"));
        assertThat(ParamType.DECIMAL.asWritten(json("100"))).isEqualTo(new BigDecimal("100"));
    }

    @Test
    void aChar_dropsTrailingSpacesOnly_asPostgreSqlComparesCharN() {
        assertThat(ParamType.CHAR.parse("AB  ")).isEqualTo("AB");
        assertThat(ParamType.CHAR.fromJson(json("\"AB   \""))).isEqualTo(ParamType.CHAR.parse("AB")).isEqualTo("AB");
        assertThat(ParamType.CHAR.parse("  AB\t")).isEqualTo("  AB\t");
        assertThat(ParamType.CHAR.parse("   ")).isEqualTo("");
        assertThat(ParamType.named("char(5)".substring(0, 4))).isEqualTo(ParamType.CHAR);
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
