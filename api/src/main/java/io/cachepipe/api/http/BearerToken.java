package io.cachepipe.api.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.jspecify.annotations.Nullable;

/**
 * One configured bearer token (RFC 6750) and the judgement of a request's {@code Authorization}
 * header against it: shared by the admin routes and the write routes, which answer the verdicts
 * differently. The comparison is of SHA-256 digests with {@link MessageDigest#isEqual}, which takes
 * the same time wherever the tokens differ and whatever their lengths, so timing tells an attacker
 * nothing. The token itself is never logged or echoed.
 */
public final class BearerToken {
    /** What a request's {@code Authorization} header amounts to. */
    public enum Verdict {
        /** No header, another scheme than Bearer, or an empty token. */
        MISSING,
        WRONG,
        RIGHT
    }

    private final byte[] expected;
    private final String realm;

    /** {@code token} empty: none configured, every verdict is {@link Verdict#MISSING}. */
    public BearerToken(String token, String realm) {
        this.expected = token.isEmpty() ? new byte[0] : digest(token);
        this.realm = realm;
    }

    public boolean configured() {
        return expected.length > 0;
    }

    /** The {@code WWW-Authenticate} value of a 401: {@code Bearer realm="…"}, with the RFC 6750 error code if any. */
    public String challenge(@Nullable String error) {
        return "Bearer realm=\"" + realm + "\"" + (error == null ? "" : ", error=\"" + error + "\"");
    }

    public Verdict judge(@Nullable String authorization) {
        if (!configured() || authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            return Verdict.MISSING;
        }
        return MessageDigest.isEqual(expected, digest(authorization.substring(7).strip())) ? Verdict.RIGHT : Verdict.WRONG;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
