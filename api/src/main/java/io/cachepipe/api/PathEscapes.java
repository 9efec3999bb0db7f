package io.cachepipe.api;

import io.cachepipe.api.http.ApiException;
import io.cachepipe.core.view.ParamType;
import io.javalin.http.Context;

/**
 * A path whose percent-escapes are malformed ({@code %} not followed by two hex digits) is the client's
 * error, answered 400 before any route. Jetty refuses most such paths itself, but not after a {@code ;}
 * (a path parameter), and Javalin's decoding of a route's path parameters then threw, which answered
 * 500 (found by {@code ApiFuzzIT}, seed 4000: {@code GET /products/qxbq;h%y}).
 */
final class PathEscapes {
    private PathEscapes() {
    }

    /** Before every route. */
    static void requireWellFormed(Context ctx) {
        String path = ctx.req().getRequestURI();
        int bad = firstMalformed(path);
        if (bad >= 0) {
            throw ApiException.badRequest("the path has a malformed percent-escape at character " + (bad + 1) + " ("
                    + ParamType.quoted(path.substring(bad, Math.min(path.length(), bad + 3))) + "): write '%' as %25");
        }
    }

    /** The index of the first '%' not followed by two hex digits, or -1. */
    static int firstMalformed(String path) {
        for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
            if (i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0 || Character.digit(path.charAt(i + 2), 16) < 0) {
                return i;
            }
        }
        return -1;
    }
}
