package io.cachepipe.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every failure to an {@code application/problem+json} answer, in one place. Bad input is a 4xx
 * with a reason, never a 5xx; a database constraint a write violates is a 409 or 422 naming it.
 */
final class ProblemResponses {
    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);
    static final String PROBLEM_JSON = "application/problem+json";

    private ProblemResponses() {
    }

    static void register(JavalinConfig config, ObjectMapper json) {
        config.routes.exception(ApiException.class, (e, ctx) -> write(ctx, json, e.status(), e.title(), e.getMessage()));
        config.routes.exception(SQLException.class, (e, ctx) -> {
            ApiException mapped = fromSql(e);
            if (mapped.status() >= 500) {
                log.error("Database error on {} {}", ctx.method(), ctx.path(), e);
            }
            write(ctx, json, mapped.status(), mapped.title(), mapped.getMessage());
        });
        config.routes.exception(Exception.class, (e, ctx) -> {
            log.error("Unexpected failure on {} {}", ctx.method(), ctx.path(), e);
            write(ctx, json, 500, "Internal error", "the server failed to answer; the error is logged");
        });
        config.routes.error(404, "*", ctx -> {
            if (!PROBLEM_JSON.equals(ctx.res().getContentType())) {
                write(ctx, json, 404, "Not found", "no route " + ctx.method() + " " + ctx.path());
            }
        });
        config.routes.error(405, "*", ctx ->
                write(ctx, json, 405, "Method not allowed", ctx.method() + " is not allowed on " + ctx.path()));
    }

    static void write(Context ctx, ObjectMapper json, int status, String title, String detail) {
        ObjectNode problem = json.createObjectNode();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        problem.put("instance", ctx.path());
        ctx.status(status).contentType(PROBLEM_JSON).result(problem.toString());
    }

    /** SQLSTATE class 23 is a constraint the write broke: the client's to fix, so 4xx with the reason. */
    static ApiException fromSql(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String reason = firstLine(e.getMessage());
        return switch (state) {
            case "23505" -> new ApiException(409, "Conflict", reason);
            case "23503", "23514", "23502" -> new ApiException(422, "Unprocessable content", reason);
            default -> state.startsWith("22")
                    ? new ApiException(400, "Bad request", reason)
                    : new ApiException(500, "Database error", "the database failed to answer; the error is logged");
        };
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).replaceFirst("^ERROR: ", "");
    }
}
