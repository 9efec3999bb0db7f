package io.cachepipe.api.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.api.http.ApiException;
import io.javalin.http.Context;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The token check alone; OperationsIT checks the same answers over HTTP on a running API. */
class AdminAuthTest {
    private static final String TOKEN = "0123456789abcdef-token";

    @Test
    void noTokenConfigured_disablesTheRoutes_sayingHowToEnableThem() {
        assertThat(new AdminAuth("").enabled()).isFalse();
        assertThatThrownBy(() -> new AdminAuth("").check(request(null, new HashMap<>())))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining("CACHEPIPE_API_ADMIN_TOKEN");
    }

    @Test
    void missingOrMalformedHeader_is401WithAChallenge() {
        for (String header : new String[] {null, "", "Basic dXNlcjpwYXNz", "Bearer ", TOKEN}) {
            Map<String, String> sent = new HashMap<>();
            assertThatThrownBy(() -> new AdminAuth(TOKEN).check(request(header, sent)))
                    .as("Authorization: %s", header)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(401));
            assertThat(sent).containsEntry("WWW-Authenticate", AdminAuth.REALM);
        }
    }

    @Test
    void wrongToken_is403_withoutEchoingEitherToken() {
        for (String wrong : new String[] {TOKEN + "x", TOKEN.substring(1), "x", TOKEN.toUpperCase()}) {
            assertThatThrownBy(() -> new AdminAuth(TOKEN).check(request("Bearer " + wrong, new HashMap<>())))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(403))
                    .hasMessageNotContaining(TOKEN).hasMessageNotContaining(wrong);
        }
    }

    @Test
    void rightToken_passes_whateverTheSchemeCase() {
        assertThatCode(() -> new AdminAuth(TOKEN).check(request("Bearer " + TOKEN, new HashMap<>()))).doesNotThrowAnyException();
        assertThatCode(() -> new AdminAuth(TOKEN).check(request("bearer " + TOKEN, new HashMap<>()))).doesNotThrowAnyException();
    }

    /** A request carrying this Authorization header; response headers land in {@code sent}. */
    private static Context request(String authorization, Map<String, String> sent) {
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class}, (proxy, method, args) -> {
            if (method.getName().equals("header") && args.length == 1) {
                return "Authorization".equals(args[0]) ? authorization : null;
            }
            if (method.getName().equals("header") && args.length == 2) {
                sent.put((String) args[0], (String) args[1]);
                return proxy;
            }
            throw new UnsupportedOperationException(method.getName());
        });
    }
}
