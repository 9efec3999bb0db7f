package io.cachepipe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.api.http.ApiException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriteAuthTest {
    private static final String TOKEN = "write-token-0123456789";

    @Test
    void noTokenConfigured_leavesWritesOpen() {
        assertThat(new WriteAuth("").required()).isFalse();
        assertThatCode(() -> new WriteAuth("").check(request(null, new HashMap<>()))).doesNotThrowAnyException();
    }

    @Test
    void missingToken_is401WithAChallenge() {
        for (String header : new String[] {null, "", "Basic dXNlcjpwYXNz", "Bearer ", TOKEN}) {
            Map<String, String> sent = new HashMap<>();
            assertThatThrownBy(() -> new WriteAuth(TOKEN).check(request(header, sent))).as("Authorization: %s", header)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(401));
            assertThat(sent).containsEntry("WWW-Authenticate", "Bearer realm=\"cachepipe-write\"");
        }
    }

    @Test
    void wrongToken_is401_invalidToken_withoutEchoingEither() {
        for (String wrong : new String[] {TOKEN + "x", TOKEN.substring(1), "x", TOKEN.toUpperCase()}) {
            Map<String, String> sent = new HashMap<>();
            assertThatThrownBy(() -> new WriteAuth(TOKEN).check(request("Bearer " + wrong, sent)))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(401))
                    .hasMessageNotContaining(TOKEN).hasMessageNotContaining(wrong);
            assertThat(sent).containsEntry("WWW-Authenticate", "Bearer realm=\"cachepipe-write\", error=\"invalid_token\"");
        }
    }

    @Test
    void rightToken_passes() {
        assertThatCode(() -> new WriteAuth(TOKEN).check(request("Bearer " + TOKEN, new HashMap<>()))).doesNotThrowAnyException();
    }

    private static io.javalin.http.Context request(String authorization, Map<String, String> sent) {
        Map<String, String> headers = new HashMap<>();
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        return FakeRequests.request("POST", headers, new byte[0], sent);
    }
}
