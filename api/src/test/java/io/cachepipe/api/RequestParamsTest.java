package io.cachepipe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachepipe.core.view.ParamSpec;
import io.cachepipe.core.view.ParamType;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestParamsTest {
    private final Map<String, ParamSpec> listing = new LinkedHashMap<>();
    private final Map<String, ParamSpec> write = new LinkedHashMap<>();

    RequestParamsTest() {
        listing.put("category_id", new ParamSpec("category_id", ParamType.LONG, null, 1L, null));
        listing.put("page", new ParamSpec("page", ParamType.INT, 1, 1L, 10_000L));
        write.put("id", new ParamSpec("id", ParamType.LONG, null, null, null));
        write.put("price", new ParamSpec("price", ParamType.DECIMAL, null, 0L, null));
        write.put("name", new ParamSpec("name", ParamType.STRING, null, null, null, true));
    }

    @Test
    void parsesTypedValuesAndAppliesDefaults() {
        Map<String, Object> params = RequestParams.fromText(listing, Map.of("category_id", "3")::get, Set.of());
        assertThat(params).containsExactly(Map.entry("category_id", 3L), Map.entry("page", 1));
    }

    @Test
    void reportsEveryBadParameterInOneBadRequest() {
        assertThatThrownBy(() -> RequestParams.fromText(listing, Map.of("category_id", "abc", "page", "0")::get, Set.of("page", "sort")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("unknown parameter 'sort' (expected: category_id, page); "
                            + "parameter 'category_id': 'abc' is not a whole number; parameter 'page': page must be at least 1, was 0");
                });
    }

    @Test
    void writesTakePathParametersFromThePathAndTheRestFromTheBody() throws Exception {
        var body = new ObjectMapper().readTree("{\"price\": 9.99}");
        assertThat(RequestParams.fromBody(write, Map.of("id", "5"), body))
                .containsExactly(Map.entry("id", 5L), Map.entry("price", new BigDecimal("9.99")));
        var bad = new ObjectMapper().readTree("{\"price\": -1, \"id\": 6, \"colour\": \"red\"}");
        assertThatThrownBy(() -> RequestParams.fromBody(write, Map.of("id", "5"), bad))
                .hasMessageContaining("unknown field 'id'").hasMessageContaining("unknown field 'colour'")
                .hasMessageContaining("field 'price': price must be at least 0, was -1");
    }

    @Test
    void constraintViolationsAreTheClientsToFix() {
        assertThat(ProblemResponses.fromSql(new java.sql.SQLException("ERROR: duplicate key", "23505")).status()).isEqualTo(409);
        assertThat(ProblemResponses.fromSql(new java.sql.SQLException("ERROR: violates foreign key", "23503")).status()).isEqualTo(422);
        assertThat(ProblemResponses.fromSql(new java.sql.SQLException("ERROR: numeric overflow", "22003")).status()).isEqualTo(400);
        assertThat(ProblemResponses.fromSql(new java.sql.SQLException("connection lost", "08006")).status()).isEqualTo(500);
    }
}
