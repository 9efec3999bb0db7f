package io.cachepipe.api;

import io.cachepipe.api.http.ApiException;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.WriteDefinition;
import io.cachepipe.store.postgres.WriteRunner;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.stream.Collectors;

/**
 * The declared write routes. They write to PostgreSQL and nothing else: the change log invalidates
 * and re-warms the cache, the same way it does for every other writer. Each checks, in this order,
 * the write token ({@link WriteAuth}), the body's media type and JSON ({@link JsonBody}), then the
 * parameters ({@link RequestParams}); nothing reaches PostgreSQL before all three pass.
 */
final class WriteRoutes {
    private final ViewCatalog catalog;
    private final WriteRunner runner;
    private final WriteAuth auth;
    private final JsonBody body;
    private final RequestParams params;

    WriteRoutes(ViewCatalog catalog, WriteRunner runner, WriteAuth auth, JsonBody body, RequestParams params) {
        this.catalog = catalog;
        this.runner = runner;
        this.auth = auth;
        this.body = body;
        this.params = params;
    }

    void register(JavalinConfig config) {
        for (WriteDefinition write : catalog.writes()) {
            config.routes.addHttpHandler(HandlerType.findOrCreate(write.method()), write.route(), ctx -> serve(ctx, write));
        }
    }

    private void serve(Context ctx, WriteDefinition write) throws Exception {
        auth.check(ctx);
        var values = params.fromBody(write.params(), ctx.pathParamMap(), body.read(ctx));
        WriteRunner.Result result = runner.run(write, values);
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
}
