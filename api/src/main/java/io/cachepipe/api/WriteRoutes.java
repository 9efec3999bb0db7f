package io.cachepipe.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachepipe.core.db.WriteRunner;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.WriteDefinition;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.util.stream.Collectors;

/**
 * The declared write routes. They write to PostgreSQL and nothing else: the change log invalidates
 * and re-warms the cache, the same way it does for every other writer.
 */
final class WriteRoutes {
    private final ViewCatalog catalog;
    private final WriteRunner runner;
    private final ObjectMapper json;

    WriteRoutes(ViewCatalog catalog, WriteRunner runner, ObjectMapper json) {
        this.catalog = catalog;
        this.runner = runner;
        this.json = json;
    }

    void register(JavalinConfig config) {
        for (WriteDefinition write : catalog.writes()) {
            config.routes.addHttpHandler(HandlerType.findOrCreate(write.method()), write.route(), ctx -> serve(ctx, write));
        }
    }

    private void serve(Context ctx, WriteDefinition write) throws Exception {
        var params = RequestParams.fromBody(write.params(), ctx.pathParamMap(), body(ctx));
        WriteRunner.Result result = runner.run(write, params);
        ctx.header(ReadYourWritesHeader.NAME, result.committedBy().pgLsn());
        if (result.rows() == 0) {
            throw ApiException.notFound("nothing matched " + write.name() + " with " + ctx.pathParamMap().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        }
        if ("DELETE".equals(write.method())) {
            ctx.status(204);
            return;
        }
        ctx.status("POST".equals(write.method()) ? 201 : 200);
        if (result.firstRow().length > 0) {
            ctx.contentType("application/json").result(result.firstRow());
        }
    }

    private JsonNode body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            return null;
        }
        try {
            return json.readTree(bytes);
        } catch (IOException e) {
            throw ApiException.badRequest("the request body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
