package io.cachepipe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachepipe.api.http.ApiException;
import io.cachepipe.core.view.ParamSpec;
import io.cachepipe.core.view.ParamType;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestParamsTest {
    private final Map<String, ParamSpec> listing = new LinkedHashMap<>();
    private final Map<String, ParamSpec> write = new LinkedHashMap<>();
    private final RequestParams params = new RequestParams(20);

    RequestParamsTest() {
        listing.put("category_id", new ParamSpec("category_id", ParamType.LONG, null, 1L, null));
        listing.put("page", new ParamSpec("page", ParamType.INT, 1, 1L, 10_000L));
        write.put("id", new ParamSpec("id", ParamType.LONG, null, null, null));
        write.put("price", new ParamSpec("price", ParamType.DECIMAL, null, 0L, null));
        write.put("name", new ParamSpec("name", ParamType.STRING, null, null, null, true));
    }

    @Test
    void parsesTypedValuesAndAppliesDefaults() {
        Map<String, Object> parsed = params.fromText(listing, Map.of("category_id", "3"), Map.of());
        assertThat(parsed).containsExactly(Map.entry("category_id", 3L), Map.entry("page", 1));
    }

    @Test
    void reportsEveryBadParameterInOneBadRequest() {
        assertThatThrownBy(() -> params.fromText(listing, Map.of("category_id", "abc"), query("page", "0", "sort", "name")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("unknown parameter 'sort' (expected: category_id, page); "
                            + "parameter 'category_id': 'abc' is not a whole number; parameter 'page': page must be at least 1, was 0");
                });
    }

    @Test
    void writesTakePathParametersFromThePathAndTheRestFromTheBody() throws Exception {
        var body = new ObjectMapper().readTree("{\"price\": 9.99}");
        assertThat(params.fromBody(write, Map.of("id", "5"), body))
                .containsExactly(Map.entry("id", 5L), Map.entry("price", new BigDecimal("9.99")));
        var bad = new ObjectMapper().readTree("{\"price\": -1, \"id\": 6, \"colour\": \"red\"}");
        assertThatThrownBy(() -> params.fromBody(write, Map.of("id", "5"), bad))
                .hasMessageContaining("unknown field 'id'").hasMessageContaining("unknown field 'colour'")
                .hasMessageContaining("field 'price': price must be at least 0, was -1");
    }

    @Test
    void bodyValuesMustHaveTheirDeclaredJsonType_notJustConvertToIt() throws Exception {
        var wrong = new ObjectMapper().readTree("{\"price\": true, \"name\": 42}");
        assertThatThrownBy(() -> params.fromBody(write, Map.of("id", "5"), wrong))
                .hasMessageContaining("field 'price': expected a decimal number, found boolean")
                .hasMessageContaining("field 'name': expected a string, found number");
        var stringly = new ObjectMapper().readTree("{\"price\": \"9.99\", \"name\": \"Kettle\"}");
        assertThat(params.fromBody(write, Map.of("id", "5"), stringly)).containsEntry("price", new BigDecimal("9.99"));
    }

    @Test
    void aWholeNumberBeyondTheLongRange_isRefused_notWrappedToOne() throws Exception {
        var body = new ObjectMapper().readTree("{\"category_id\": 18446744073709551617}");
        Map<String, ParamSpec> specs = Map.of("category_id", new ParamSpec("category_id", ParamType.LONG, null, null, null));
        assertThatThrownBy(() -> params.fromBody(specs, Map.of(), body))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("outside the long range");
        var text = new ObjectMapper().readTree("{\"category_id\": \"7\"}");
        assertThatThrownBy(() -> params.fromBody(specs, Map.of(), text)).hasMessageContaining("expected a whole number, found string");
    }

    @Test
    void aDecimalWithAHugeExponent_isA400_withAShortReason() throws Exception {
        for (String price : new String[] {"-1e999999999", "1e999999999", "1e-999999999"}) {
            var body = io.cachepipe.core.json.Json.mapper().readTree("{\"price\": " + price + "}");
            assertThatThrownBy(() -> params.fromBody(write, Map.of("id", "5"), body)).as(price)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                    .hasMessageContaining("at most 1000").satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
        }
    }

    @Test
    void aStringLongerThanTheLimit_isRefused_fromABodyOrFromText() throws Exception {
        var body = new ObjectMapper().readTree("{\"price\": 1, \"name\": \"" + "é".repeat(21) + "\"}");
        assertThatThrownBy(() -> params.fromBody(write, Map.of("id", "5"), body)).hasMessageContaining("longer than 20 characters (21");
        var exactly = new ObjectMapper().readTree("{\"price\": 1, \"name\": \"" + "😀".repeat(20) + "\"}");
        assertThat(params.fromBody(write, Map.of("id", "5"), exactly)).containsKey("name");
        Map<String, ParamSpec> search = Map.of("q", new ParamSpec("q", ParamType.STRING, null, null, null));
        assertThatThrownBy(() -> params.fromText(search, Map.of(), Map.of("q", List.of("x".repeat(21)))))
                .hasMessageContaining("parameter 'q': longer than 20");
    }

    @Test
    void aQueryParameterGivenTwice_orAlsoInThePath_isRefused_notReadAsOneOfItsValues() {
        assertThatThrownBy(() -> params.fromText(listing, Map.of("category_id", "3"), Map.of("page", List.of("1", "2"))))
                .hasMessage("parameter 'page' given 2 times");
        assertThatThrownBy(() -> params.fromText(listing, Map.of("category_id", "3"), Map.of("category_id", List.of("4"))))
                .hasMessage("parameter 'category_id' is part of the path, not a query parameter");
    }

    @Test
    void halfACharacter_orANul_isRefused_notStoredAsAQuestionMark() throws Exception {
        for (String[] bad : new String[][] {{"\\ud800", "unpaired surrogate, \\ud800) as character 1"},
                {"ab\\udc00", "unpaired surrogate, \\udc00) as character 3"}, {"\\udbff\\udbff", "\\udbff) as character 1"},
                {"😀\\ud83d", "unpaired surrogate, \\ud83d) as character 2"}, {"a\\u0000b", "U+0000 (character 2)"}}) {
            var body = new ObjectMapper().readTree("{\"price\": 1, \"name\": \"" + bad[0] + "\"}");
            assertThatThrownBy(() -> params.fromBody(write, Map.of("id", "5"), body)).as(bad[0])
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                    .hasMessageContaining("field 'name': ").hasMessageContaining(bad[1]);
        }
        var astral = new ObjectMapper().readTree("{\"price\": 1, \"name\": \"\\ud83d\\ude00 é\"}");
        assertThat(params.fromBody(write, Map.of("id", "5"), astral)).containsEntry("name", "😀 é");
        Map<String, ParamSpec> search = Map.of("q", new ParamSpec("q", ParamType.STRING, null, null, null));
        assertThatThrownBy(() -> params.fromText(search, Map.of(), Map.of("q", List.of("a\0"))))
                .hasMessageContaining("parameter 'q': holds the character U+0000");
    }

    private static Map<String, List<String>> query(String... namesAndValues) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            query.put(namesAndValues[i], List.of(namesAndValues[i + 1]));
        }
        return query;
    }

    @Test
    void aThousandUnknownFields_areListedAsTwentyAndACount() throws Exception {
        var fields = new StringBuilder("{");
        for (int i = 0; i < 1000; i++) {
            fields.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":1");
        }
        var body = new ObjectMapper().readTree(fields.append("}").toString());
        assertThatThrownBy(() -> params.fromBody(write, Map.of("id", "5"), body)).hasMessageContaining("and 981 more");
    }

    @Test
    void constraintViolationsAreTheClientsToFix() {
        assertThat(ProblemResponses.fromSql(new java.sql.SQLException("ERROR: duplicate key", "23505")).status()).isEqualTo(409);
        assertThat(ProblemResponses.fromSql(new java.sql.SQLException("ERROR: violates foreign key", "23503")).status()).isEqualTo(422);
        assertThat(ProblemResponses.fromSql(new java.sql.SQLException("ERROR: numeric overflow", "22003")).status()).isEqualTo(400);
        assertThat(ProblemResponses.fromSql(new java.sql.SQLException("connection lost", "08006")).status()).isEqualTo(500);
        for (String busy : new String[] {"57014", "55P03", "40001", "40P01"}) {
            assertThat(ProblemResponses.fromSql(new java.sql.SQLException("ERROR: busy", busy)).status()).as(busy).isEqualTo(503);
        }
        assertThat(ProblemResponses.fromSql(new java.sql.SQLTransientConnectionException("pool: request timed out")).status())
                .isEqualTo(503);
    }

    @Test
    void aStoredValueThatCannotBeRendered_isA422NamingTheColumn_notA500() {
        var unrenderable = new io.cachepipe.core.render.UnrenderableValueException("born", "timestamptz",
                new java.sql.SQLException("Bad value for type timestamp/date/time: x", "22007"));
        ApiException mapped = ProblemResponses.fromSql(unrenderable);
        assertThat(mapped.status()).isEqualTo(422);
        assertThat(mapped.getMessage()).startsWith("column born (timestamptz) holds a value that cannot be rendered as JSON");
    }
}
