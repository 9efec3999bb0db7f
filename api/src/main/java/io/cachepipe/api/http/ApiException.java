package io.cachepipe.api.http;

/**
 * An answer other than success, with the reason a client can act on. Rendered as
 * {@code application/problem+json} (RFC 9457) by {@link ProblemResponses}, the one place errors map to HTTP.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String title;

    public ApiException(int status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "Bad request", detail);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, "Not found", detail);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
