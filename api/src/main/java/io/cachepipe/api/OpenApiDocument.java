package io.cachepipe.api;

import static io.cachepipe.api.OpenApiSchemas.NODES;
import static io.cachepipe.api.OpenApiSchemas.bool;
import static io.cachepipe.api.OpenApiSchemas.content;
import static io.cachepipe.api.OpenApiSchemas.integer;
import static io.cachepipe.api.OpenApiSchemas.json;
import static io.cachepipe.api.OpenApiSchemas.object;
import static io.cachepipe.api.OpenApiSchemas.parameter;
import static io.cachepipe.api.OpenApiSchemas.problem;
import static io.cachepipe.api.OpenApiSchemas.string;
import static io.cachepipe.api.OpenApiSchemas.withHeader;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.api.admin.AdminRoutes;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.view.ViewCatalog;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The OpenAPI 3.0.3 description of the API that serves a views file: every view and write route with
 * its parameters, their types and bounds, and every answer, and the fixed routes beside them. It is
 * generated from the same declarations and limits the routes are built from, never written by hand:
 * {@link ApiServer} serves it at {@link #PATH}, {@code cachepipe openapi} prints it, and
 * docs/openapi.json is the demo catalog's (a test fails when that file is stale, and the build checks
 * the document with an OpenAPI validator).
 */
public final class OpenApiDocument {
    /** Where the API serves its own description. */
    public static final String PATH = "/openapi.json";

    private OpenApiDocument() {
    }

    /**
     * The description of an API serving {@code catalog} with {@code config}'s limits and tokens.
     *
     * @param version the build that serves it ({@code info.version})
     */
    public static ObjectNode of(ViewCatalog catalog, ApiConfig config, String version) {
        ObjectNode document = NODES.objectNode().put("openapi", "3.0.3");
        document.putObject("info").put("title", "cachepipe API").put("version", version)
                .put("description", "Reads come from the Redis cache, kept consistent with PostgreSQL by its change log; "
                        + "writes go to PostgreSQL only. Generated from the views file; see docs/api.md.");
        ArrayNode tags = document.putArray("tags");
        tags.addObject().put("name", "views").put("description", "the declared views, read through the cache");
        tags.addObject().put("name", "writes").put("description", "the declared writes, to PostgreSQL");
        tags.addObject().put("name", "operations").put("description", "statistics, metrics, health; unauthenticated");
        tags.addObject().put("name", "admin").put("description", "cache controls, behind api.admin-token");
        ObjectNode paths = document.putObject("paths");
        var operations = new OpenApiOperations(config.maxStringLength(), !config.writeToken().isEmpty());
        operations.addViews(paths, catalog);
        operations.addWrites(paths, catalog);
        addOperations(paths);
        addAdmin(paths);
        document.set("components", components());
        return document;
    }

    /** The document as the API serves it: indented, fields in the order above. */
    public static String text(ObjectNode document) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(document) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void addOperations(ObjectNode paths) {
        get(paths, "/cache/stats", "cache.stats", "Requests and hit rates per view and in total; near cache state",
                json("Statistics since this instance started", object("per view and in total")));
        get(paths, "/cache/summary", "cache.summary", "The cache at a glance: hit rates, lag per stage, dead letters, advice",
                json("The summary", object("hit rates, pipeline lag, replication slot, recommendations")));
        get(paths, "/metrics", "metrics", "Prometheus metrics", content("Metrics in the Prometheus text format",
                "text/plain", string()));
        get(paths, "/health/live", "health.live", "Liveness", json("The process is up", object("{\"live\": true}")));
        ObjectNode ready = get(paths, "/health/ready", "health.ready", "Readiness: PostgreSQL reachable (Redis reported, not required)",
                json("Ready", object("{\"ready\", \"database\", \"redis\"}")));
        ready.withObjectProperty("responses").set("503", json("PostgreSQL is unreachable", object("{\"ready\", \"database\", \"redis\"}")));
        get(paths, "/version", "version", "The build this instance runs", json("The version", object("{\"version\": \"…\"}")));
        get(paths, "/noop", "noop", "The same server and middleware without cache or database: the ceiling for benchmarks",
                json("A fixed product", object("a fixed row")));
        get(paths, PATH, "openapi", "This document", json("The OpenAPI document", object("OpenAPI 3.0.3")));
    }

    private static ObjectNode get(ObjectNode paths, String path, String operationId, String summary, ObjectNode answer) {
        ObjectNode operation = paths.withObjectProperty(path).withObjectProperty("get");
        operation.putArray("tags").add("operations");
        operation.put("operationId", operationId).put("summary", summary);
        operation.putObject("responses").set("200", answer);
        return operation;
    }

    private static void addAdmin(ObjectNode paths) {
        admin(paths, "post", "/admin/warm", "admin.warm", "Loads keys (the hottest, or the views' registered keys) into the cache",
                parameter("views", "query", false, string(), "comma-separated view names; default: every view"),
                parameter("limit", "query", false, integer(1, AdminRoutes.MAX_LIMIT, AdminRoutes.WARM_LIMIT), "keys at most"),
                parameter("hot", "query", false, bool(true), "the hottest keys (true) or the views' registered keys (false)"),
                parameter("dry-run", "query", false, bool(false), "list the keys instead of loading them"));
        admin(paths, "post", "/admin/flush", "admin.flush", "Drops a view's cached values, then clears every near cache",
                parameter("view", "query", true, string(), "the view"),
                parameter("pattern", "query", false, string().put("maxLength", AdminRoutes.MAX_PATTERN),
                        "a glob over the key's parameters (*, ?, [abc], [a-z], \\ escapes)"),
                parameter("scan", "query", false, bool(false), "also SCAN Redis for keys missing from the view's registry"),
                parameter("dry-run", "query", false, bool(false), "count the keys instead of dropping them"));
        admin(paths, "get", "/admin/hot-keys", "admin.hotKeys", "This instance's hot-key sketch and the shared hot-key set",
                parameter("limit", "query", false, integer(1, AdminRoutes.MAX_LIMIT, AdminRoutes.HOT_KEYS_LIMIT), "keys at most"));
        admin(paths, "get", "/admin/replay/status", "admin.replayStatus", "What the last cachepipe replay recorded");
    }

    private static void admin(ObjectNode paths, String method, String path, String operationId, String summary,
                              ObjectNode... parameters) {
        ObjectNode operation = paths.withObjectProperty(path).withObjectProperty(method);
        operation.putArray("tags").add("admin");
        operation.put("operationId", operationId).put("summary", summary);
        operation.putArray("security").addObject().putArray("adminToken");
        if (parameters.length > 0) {
            operation.putArray("parameters").addAll(Arrays.asList(parameters));
        }
        ObjectNode responses = operation.putObject("responses");
        responses.set("200", json("Done", object("what was done")));
        responses.set("400", problem("A parameter that is malformed or out of its bounds, or an unknown view"));
        responses.set("401", withHeader(problem("No admin token"), "WWW-Authenticate"));
        responses.set("403", problem("The wrong admin token"));
        responses.set("404", problem("The admin routes are disabled: api.admin-token is not set"));
        responses.set("default", problem("Any other failure"));
    }

    private static ObjectNode components() {
        ObjectNode components = NODES.objectNode();
        ObjectNode problem = components.putObject("schemas").putObject("Problem").put("type", "object")
                .put("description", "RFC 9457 problem details: every error answer");
        problem.putArray("required").add("type").add("title").add("status").add("detail");
        ObjectNode fields = problem.putObject("properties");
        fields.set("type", string().put("example", "about:blank"));
        fields.set("title", string().put("example", "Bad Request"));
        fields.set("status", NODES.objectNode().put("type", "integer").put("example", 400));
        fields.set("detail", string().put("example", "parameter 'id': 'abc' is not a whole number"));
        fields.set("instance", string().put("description", "the request's path"));
        components.set("headers", headers());
        ObjectNode parameters = components.putObject("parameters");
        parameters.set(ReadYourWritesHeader.NAME, parameter(ReadYourWritesHeader.NAME, "header", false, lsn(),
                "a write's " + ReadYourWritesHeader.NAME + ": the answer is at least as new as that write (read your writes)"));
        parameters.set("If-None-Match", parameter("If-None-Match", "header", false, string(),
                "an ETag of an earlier answer: 304 while it is current"));
        ObjectNode schemes = components.putObject("securitySchemes");
        schemes.putObject("writeToken").put("type", "http").put("scheme", "bearer")
                .put("description", "api.write-token; when it is not set, writes are open");
        schemes.putObject("adminToken").put("type", "http").put("scheme", "bearer")
                .put("description", "api.admin-token; when it is not set, the admin routes are disabled");
        return components;
    }

    private static ObjectNode headers() {
        ObjectNode headers = NODES.objectNode();
        ObjectNode outcome = string();
        Arrays.stream(CacheStatistics.Outcome.values()).forEach(value -> outcome.withArrayProperty("enum").add(value.name()));
        header(headers, "X-Cache", outcome, "how the read was answered: NEAR (in-process cache), HIT (Redis), STALE "
                + "(refresh-mode value within its grace), COALESCED (shared another reader's fill), MISS (filled from "
                + "PostgreSQL), FALLBACK (PostgreSQL without the cache)");
        header(headers, "X-Cache-Version", lsn(), "the version (commit LSN) of the value served, when it came from the cache");
        header(headers, "ETag", string(), "strong tag of the body; send it back as If-None-Match");
        header(headers, "Cache-Control", string(), "max-age from the view's http-max-age, else no-cache");
        header(headers, "X-Response-Time", string().put("example", "0.412ms"), "time the server spent");
        header(headers, ReadYourWritesHeader.NAME, lsn(), "a WAL position at or after the write's commit");
        header(headers, "WWW-Authenticate", string(), "the bearer challenge");
        return headers;
    }

    private static void header(ObjectNode headers, String name, ObjectNode schema, String description) {
        headers.putObject(name).put("description", description).set("schema", schema);
    }

    /** A PostgreSQL WAL position as PostgreSQL writes it. */
    private static ObjectNode lsn() {
        return string().put("pattern", "^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$").put("example", "0/16B3748");
    }
}
