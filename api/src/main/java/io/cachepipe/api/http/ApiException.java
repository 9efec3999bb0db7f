package io.cachepipe.api.http;

/**
 * An answer other than success, with the reason a client can act on. Rendered as
 * {@code application/problem+json} (RFC 9457) by {@link ProblemResponses}, the one place errors map to HTTP.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String title;
    private final String detail;

    public ApiException(int status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
        this.detail = detail;
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

    /** The reason a client can act on: the problem's {@code detail}, and this exception's message. */
    public String detail() {
        return detail;
    }
}
