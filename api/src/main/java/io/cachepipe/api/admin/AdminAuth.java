package io.cachepipe.api.admin;

import io.cachepipe.api.ApiException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The bearer-token check in front of every {@code /admin/*} route. No token configured: the routes
 * are disabled (404 with the reason). No {@code Authorization: Bearer} header: 401 with a
 * {@code WWW-Authenticate} challenge. A wrong token: 403. The comparison is of SHA-256 digests with
 * {@link MessageDigest#isEqual}, which takes the same time wherever the tokens differ and whatever
 * their lengths, so timing tells an attacker nothing. The token itself is never logged or echoed.
 */
public final class AdminAuth {
    static final String REALM = "Bearer realm=\"cachepipe-admin\"";
    private final byte[] expected;

    public AdminAuth(String token) {
        this.expected = token.isEmpty() ? new byte[0] : digest(token);
    }

    public boolean enabled() {
        return expected.length > 0;
    }

    public void check(Context ctx) {
        if (!enabled()) {
            throw new ApiException(404, "Not found", "the admin routes are disabled: set api.admin-token "
                    + "(CACHEPIPE_API_ADMIN_TOKEN) to enable them");
        }
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            ctx.header("WWW-Authenticate", REALM);
            throw new ApiException(401, "Unauthorized", "the admin routes need an 'Authorization: Bearer <token>' header");
        }
        if (!MessageDigest.isEqual(expected, digest(header.substring(7).strip()))) {
            throw new ApiException(403, "Forbidden", "the bearer token is not the admin token");
        }
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
