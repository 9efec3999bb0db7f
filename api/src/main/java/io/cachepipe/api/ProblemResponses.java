package io.cachepipe.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.api.http.ApiException;
import io.cachepipe.core.render.UnrenderableValueException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.MethodNotAllowedResponse;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.sql.SQLException;
import org.eclipse.jetty.http.HttpException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every failure to an {@code application/problem+json} answer, in one place. Bad input is a 4xx
 * with a reason, never a 5xx; a database constraint a write violates is a 409 or 422 naming it.
 * Failures Jetty answers before a request reaches a route (a malformed request line, a URI or headers
 * too long) get the same shape from {@link ProblemErrorHandler}.
 */
final class ProblemResponses {
    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);
    static final String PROBLEM_JSON = "application/problem+json";
    private static final int MAX_INSTANCE = 200;

    private ProblemResponses() {
    }

    static void register(JavalinConfig config, ObjectMapper json) {
        config.routes.exception(ApiException.class, (e, ctx) -> write(ctx, json, e.status(), e.title(), e.detail()));
        config.routes.exception(HttpResponseException.class, (e, ctx) -> write(ctx, json, e.getStatus(), title(e.getStatus()),
                switch (e) {
                    case MethodNotAllowedResponse notAllowed -> notAllowed(ctx, notAllowed);
                    case NotFoundResponse notFound -> noRoute(ctx);
                    default -> e.getStatus() == 413 ? "the request body is larger than api.max-body-bytes allows" : title(e.getStatus());
                }));
        config.routes.exception(SQLException.class, (e, ctx) -> {
            ApiException mapped = fromSql(e);
            if (mapped.status() == 503) {
                log.warn("Database busy on {} {}: {}", ctx.method(), ctx.path(), mapped.detail());
                ctx.header("Retry-After", "1");
            } else if (mapped.status() >= 500) {
                log.error("Database error on {} {}", ctx.method(), ctx.path(), e);
            }
            write(ctx, json, mapped.status(), mapped.title(), mapped.detail());
        });
        config.routes.exception(Exception.class, (e, ctx) -> {
            if (e instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
                // Jetty refusing the request's own text, e.g. a query string that is not valid percent-encoding.
                write(ctx, json, http.getCode(), title(http.getCode()), http.getReason() == null ? title(http.getCode())
                        : http.getReason());
                return;
            }
            log.error("Unexpected failure on {} {}", ctx.method(), ctx.path(), e);
            write(ctx, json, 500, "Internal error", "the server failed to answer; the error is logged");
        });
        config.routes.error(404, "*", ctx -> {
            if (!PROBLEM_JSON.equals(ctx.res().getContentType())) {
                write(ctx, json, 404, "Not found", noRoute(ctx));
            }
        });
    }

    private static String noRoute(Context ctx) {
        return "no route " + ctx.method() + " " + io.cachepipe.core.view.ParamType.quoted(ctx.path());
    }

    /**
     * A method the path's routes do not take (a PUT on a view, an OPTIONS anywhere): 405 with the
     * {@code Allow} header RFC 9110 asks for, rather than a 404 that says the resource is not there.
     */
    private static String notAllowed(Context ctx, MethodNotAllowedResponse e) {
        String allowed = e.getDetails().getOrDefault("availableMethods", "");
        if (!allowed.isEmpty()) {
            ctx.header("Allow", allowed);
        }
        return ctx.method() + " is not allowed on " + io.cachepipe.core.view.ParamType.quoted(ctx.path()) + " (allowed: " + allowed + ")";
    }

    static void write(Context ctx, ObjectMapper json, int status, String title, String detail) {
        ctx.status(status).contentType(PROBLEM_JSON).result(problem(json, status, title, detail, ctx.path()).toString());
    }

    /** The one shape of an error body (RFC 9457). */
    static ObjectNode problem(ObjectMapper json, int status, String title, String detail, @Nullable String instance) {
        ObjectNode problem = json.createObjectNode();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        if (instance != null) {
            problem.put("instance", instance.length() <= MAX_INSTANCE ? instance : instance.substring(0, MAX_INSTANCE) + "…");
        }
        return problem;
    }

    static String title(int status) {
        HttpStatus known = HttpStatus.forStatus(status);
        return known == HttpStatus.UNKNOWN ? "Error " + status : known.getMessage();
    }

    /**
     * True when reading a request body failed because the client stopped sending it (closed the
     * connection mid-body): Jetty reports that as an I/O failure somewhere in the cause chain. Only
     * for failures of reading the request; a Redis or database connection failing is the server's.
     */
    static boolean isClientGone(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException || cause instanceof java.io.UncheckedIOException) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    /**
     * SQLSTATE class 23 is a constraint the write broke: the client's to fix, so 4xx with the reason. A
     * statement cancelled or refused for now (a timeout, a lock, a serialization failure) is a 503. A
     * stored value the API cannot render is a 422 naming the column: asking again will not help, and
     * the server did not fail (docs/api.md, "Values").
     */
    static ApiException fromSql(SQLException e) {
        if (e instanceof UnrenderableValueException value) {
            log.warn("Cannot render a value: {}", value.getMessage());
            return new ApiException(422, "Unprocessable content", firstLine(value.getMessage()));
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String reason = firstLine(e.getMessage());
        if (e instanceof java.sql.SQLTransientConnectionException) {
            // No connection to be had: the pool's busy (postgres.pool-connection-timeout ran out) or the database is down.
            return new ApiException(503, "Service unavailable", "no database connection: " + reason);
        }
        return switch (state) {
            case "23505" -> new ApiException(409, "Conflict", reason);
            case "23503", "23514", "23502" -> new ApiException(422, "Unprocessable content", reason);
            // Cancelled (postgres.statement-timeout, an operator), a lock not granted, a transaction to retry: try again later.
            case "57014", "55P03", "40001", "40P01" -> new ApiException(503, "Service unavailable", reason
                    + ("57014".equals(state) ? " (a statement runs at most postgres.statement-timeout: a lock held by a migration,"
                    + " or a view's query that slow)" : ""));
            default -> state.startsWith("22")
                    ? new ApiException(400, "Bad request", reason)
                    : new ApiException(500, "Database error", "the database failed to answer; the error is logged");
        };
    }

    private static String firstLine(@Nullable String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        String line = (newline < 0 ? message : message.substring(0, newline)).replaceFirst("^ERROR: ", "");
        return line.length() <= MAX_INSTANCE ? line : line.substring(0, MAX_INSTANCE) + "…";
    }
}
