package io.cachepipe.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Jetty's own error answers as {@code application/problem+json} instead of an HTML page: what Jetty
 * refuses before a request reaches a route (a malformed request line 400, a URI too long 414,
 * headers too large 431, an ambiguous path) and any error the servlet layer answers itself. The
 * body is {@link ProblemResponses#problem}'s; Jetty's message, which may quote the request, is cut short.
 */
final class ProblemErrorHandler extends ErrorHandler {
    private static final int MAX_DETAIL = 200;
    private final ObjectMapper json;

    ProblemErrorHandler(ObjectMapper json) {
        this.json = json;
        setShowStacks(false);
        setShowCauses(false);
    }

    /** Jetty writes an error body only for GET, POST and HEAD by default; every method gets one here. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, @Nullable String message,
                                    @Nullable Throwable cause, Callback callback) {
        int status = clientError(code);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ProblemResponses.PROBLEM_JSON);
        response.write(true, ByteBuffer.wrap(body(status, message)), callback);
    }

    /**
     * A request line Jetty cannot parse as HTTP/1.x (a stray line feed in the target reads as
     * HTTP/0.9) is answered 505 by Jetty; it is the client's malformed request, so a 400 here.
     */
    private static int clientError(int code) {
        return code == 505 ? 400 : code;
    }

    @Override
    public ByteBuffer badMessageError(int status, @Nullable String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, ProblemResponses.PROBLEM_JSON);
        return ByteBuffer.wrap(body(clientError(status), reason));
    }

    private byte[] body(int code, @Nullable String message) {
        String title = ProblemResponses.title(code);
        String detail = message == null || message.isBlank() ? title
                : message.length() <= MAX_DETAIL ? message : message.substring(0, MAX_DETAIL) + "…";
        return ProblemResponses.problem(json, code, title, detail, null).toString().getBytes(StandardCharsets.UTF_8);
    }
}
