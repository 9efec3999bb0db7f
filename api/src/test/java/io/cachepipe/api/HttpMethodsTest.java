package io.cachepipe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.api.http.ApiException;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HttpMethodsTest {

    @Test
    void everyMadeUpMethod_isCountedUnderOneTag() {
        assertThat(IntStream.range(0, 2000).mapToObj(i -> HttpMethods.tag("M" + i)).distinct()).containsExactly(HttpMethods.OTHER);
        assertThat(HttpMethods.tag("GET")).isEqualTo("GET");
        assertThat(HttpMethods.tag("get")).as("methods are case-sensitive (RFC 9110)").isEqualTo(HttpMethods.OTHER);
    }

    @Test
    void aMadeUpMethod_isA501_beforeAnyRoute() {
        assertThatThrownBy(() -> HttpMethods.requireKnown(FakeRequests.request("BREW", Map.of(), new byte[0], new HashMap<>())))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(501));
        assertThatCode(() -> HttpMethods.requireKnown(FakeRequests.request("PATCH", Map.of(), new byte[0], new HashMap<>())))
                .doesNotThrowAnyException();
    }
}
