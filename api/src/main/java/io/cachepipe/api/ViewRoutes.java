package io.cachepipe.api;

import io.cachepipe.api.http.ApiException;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * GET routes of the declared views: each view's friendly route (e.g. {@code /products/{id}}, path
 * parameters from the path, the rest from the query) and the generic {@code /views/{view}?param=value}.
 */
final class ViewRoutes {
    private final ViewCatalog catalog;
    private final ViewReader reader;
    private final CacheStatistics statistics;
    private final RequestParams requestParams;
    private final java.util.function.BiConsumer<ViewDefinition, Map<String, Object>> reads;

    /** {@code reads} sees every valid read (the hot-key sketch). */
    ViewRoutes(ViewCatalog catalog, ViewReader reader, CacheStatistics statistics, RequestParams requestParams,
               java.util.function.BiConsumer<ViewDefinition, Map<String, Object>> reads) {
        this.catalog = catalog;
        this.requestParams = requestParams;
        this.reader = reader;
        this.statistics = statistics;
        this.reads = reads;
    }

    void register(JavalinConfig config) {
        for (ViewDefinition view : catalog.views()) {
            if (view.route() != null) {
                config.routes.get(view.route(), ctx -> serve(ctx, view, ctx.pathParamMap()));
            }
        }
        config.routes.get("/views/{view}", ctx -> {
            ViewDefinition view = catalog.view(ctx.pathParam("view")).orElseThrow(() -> ApiException.notFound(
                    "no view " + io.cachepipe.core.view.ParamType.quoted(ctx.pathParam("view")) + " (declared: " + catalog.views().stream()
                            .map(ViewDefinition::name).collect(Collectors.joining(", ")) + ")"));
            serve(ctx, view, Map.of());
        });
    }

    private void serve(Context ctx, ViewDefinition view, Map<String, String> path) throws Exception {
        Map<String, Object> params = requestParams.fromText(view.params(), path, ctx.queryParamMap());
        reads.accept(view, params);
        var positions = java.util.Collections.list(ctx.req().getHeaders(ReadYourWritesHeader.NAME));
        ViewReader.Answer answer = reader.read(view, params, ReadYourWritesHeader.parse(positions));
        statistics.record(view.name(), answer.outcome());
        ctx.header("X-Cache", answer.outcome().name());
        if (answer.version() != null) {
            ctx.header("X-Cache-Version", answer.version().pgLsn());
        }
        if (!answer.found()) {
            throw ApiException.notFound("no " + view.name() + " with " + params.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        }
        if (!HttpCaching.notModified(ctx, view, answer.body(), answer.version())) {
            ctx.contentType("application/json").result(answer.body());
        }
    }
}
