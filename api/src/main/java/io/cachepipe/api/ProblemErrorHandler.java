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

    @Override
    protected void generateResponse(Request request, Response response, int code, @Nullable String message,
                                    @Nullable Throwable cause, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ProblemResponses.PROBLEM_JSON);
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, @Nullable String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, ProblemResponses.PROBLEM_JSON);
        return ByteBuffer.wrap(body(status, reason));
    }

    private byte[] body(int code, @Nullable String message) {
        String title = ProblemResponses.title(code);
        String detail = message == null || message.isBlank() ? title
                : message.length() <= MAX_DETAIL ? message : message.substring(0, MAX_DETAIL) + "…";
        return ProblemResponses.problem(json, code, title, detail, null).toString().getBytes(StandardCharsets.UTF_8);
    }
}
