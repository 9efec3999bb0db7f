package io.cachepipe.api.admin;

import io.cachepipe.api.http.ApiException;
import io.cachepipe.api.http.BearerToken;
import io.javalin.http.Context;

/**
 * The bearer-token check in front of every {@code /admin/*} route. No token configured: the routes
 * are disabled (404 with the reason). No {@code Authorization: Bearer} header: 401 with a
 * {@code WWW-Authenticate} challenge. A wrong token: 403. The comparison is {@link BearerToken}'s,
 * in constant time; the token itself is never logged or echoed.
 */
public final class AdminAuth {
    static final String REALM = "Bearer realm=\"cachepipe-admin\"";
    private final BearerToken token;

    public AdminAuth(String token) {
        this.token = new BearerToken(token, "cachepipe-admin");
    }

    public boolean enabled() {
        return token.configured();
    }

    public void check(Context ctx) {
        if (!enabled()) {
            throw new ApiException(404, "Not found", "the admin routes are disabled: set api.admin-token "
                    + "(CACHEPIPE_API_ADMIN_TOKEN) to enable them");
        }
        switch (token.judge(ctx.header("Authorization"))) {
            case MISSING -> {
                ctx.header("WWW-Authenticate", token.challenge(null));
                throw new ApiException(401, "Unauthorized", "the admin routes need an 'Authorization: Bearer <token>' header");
            }
            case WRONG -> throw new ApiException(403, "Forbidden", "the bearer token is not the admin token");
            case RIGHT -> {
            }
        }
    }
}
