package io.cachepipe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.api.http.ApiException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonBodyTest {
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json; charset=utf-8");
    private final JsonBody body = new JsonBody(100);

    @Test
    void trailingTokensAfterTheBody_areA400() {
        assertThatThrownBy(() -> read("POST", JSON, "{\"price\": 1} {\"price\": 2}")).satisfies(JsonBodyTest::isBadRequest)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> read("POST", JSON, "{\"price\": 1} garbage")).satisfies(JsonBodyTest::isBadRequest);
    }

    @Test
    void aKeyGivenTwice_isA400_namingIt() {
        assertThatThrownBy(() -> read("PATCH", JSON, "{\"price\": 1, \"price\": 1000000}")).satisfies(JsonBodyTest::isBadRequest)
                .hasMessageContaining("Duplicate field 'price'");
    }

    @Test
    void writesTakeApplicationJsonOnly_soNoWebPageCanPostThemCrossOrigin() {
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/jsonp", "text/json"}) {
            assertThatThrownBy(() -> read("POST", Map.of("Content-Type", type), "{\"price\": 1}")).as(type)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(415));
        }
        assertThatThrownBy(() -> read("POST", Map.of(), "")).as("a POST without a body still names its media type")
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(415));
        assertThat(read("DELETE", Map.of(), "")).as("a DELETE without a body needs none").isNull();
        assertThat(read("PUT", Map.of("content-type", "Application/JSON"), "{}").isObject()).isTrue();
    }

    @Test
    void aNumberLiteralOrStringBeyondTheParserLimits_isA400_withAShortReason() {
        assertThatThrownBy(() -> read("POST", JSON, "{\"price\": " + "9".repeat(5000) + "}"))
                .satisfies(JsonBodyTest::isBadRequest).satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
        assertThatThrownBy(() -> read("POST", JSON, "{\"name\": \"" + "x".repeat(5000) + "\"}"))
                .satisfies(JsonBodyTest::isBadRequest).satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
        assertThatThrownBy(() -> read("POST", JSON, "[".repeat(100) + "]".repeat(100))).satisfies(JsonBodyTest::isBadRequest);
    }

    @Test
    void aClientThatGoesAwayMidBody_isA400_notAServerFailure() {
        var context = FakeRequests.request("POST", JSON, () -> {
            throw new UncheckedIOException(new java.io.EOFException("Early EOF"));
        }, new HashMap<>());
        assertThatThrownBy(() -> body.read(context)).satisfies(JsonBodyTest::isBadRequest).hasMessageContaining("ended before");
    }

    private com.fasterxml.jackson.databind.JsonNode read(String method, Map<String, String> headers, String text) {
        return body.read(FakeRequests.request(method, headers, text.getBytes(StandardCharsets.UTF_8), new HashMap<>()));
    }

    private static void isBadRequest(Throwable e) {
        assertThat(e).isInstanceOfSatisfying(ApiException.class, api -> assertThat(api.status()).isEqualTo(400));
    }
}
