package io.cachepipe.api;

import io.cachepipe.api.http.ApiException;
import io.cachepipe.api.http.BearerToken;
import io.javalin.http.Context;

/**
 * The optional bearer token of the declared write routes ({@code api.write-token}). Not configured:
 * writes are open, as the demo needs. Configured: a write without the right token is a 401 with a
 * {@code WWW-Authenticate} challenge (RFC 6750: {@code error="invalid_token"} when one was sent),
 * before its body is read. The comparison is {@link BearerToken}'s, in constant time.
 */
final class WriteAuth {
    private final BearerToken token;

    WriteAuth(String token) {
        this.token = new BearerToken(token, "cachepipe-write");
    }

    boolean required() {
        return token.configured();
    }

    void check(Context ctx) {
        if (!required()) {
            return;
        }
        switch (token.judge(ctx.header("Authorization"))) {
            case MISSING -> {
                ctx.header("WWW-Authenticate", token.challenge(null));
                throw new ApiException(401, "Unauthorized", "writes need an 'Authorization: Bearer <token>' header");
            }
            case WRONG -> {
                ctx.header("WWW-Authenticate", token.challenge("invalid_token"));
                throw new ApiException(401, "Unauthorized", "the bearer token is not the write token");
            }
            case RIGHT -> {
            }
        }
    }
}
