package io.cachepipe.api;

import static io.cachepipe.api.OpenApiSchemas.NODES;
import static io.cachepipe.api.OpenApiSchemas.empty;
import static io.cachepipe.api.OpenApiSchemas.json;
import static io.cachepipe.api.OpenApiSchemas.parameter;
import static io.cachepipe.api.OpenApiSchemas.problem;
import static io.cachepipe.api.OpenApiSchemas.ref;
import static io.cachepipe.api.OpenApiSchemas.withHeader;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.core.view.ParamSpec;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.core.view.WriteDefinition;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The operations of the declared views and writes, as {@link ViewRoutes} and {@link WriteRoutes}
 * serve them: which parameters come from the path, the query or the body, and every answer they give.
 */
final class OpenApiOperations {
    /** A path parameter in a route, as Javalin and {@code DeclarationChecks.route} read it. */
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]*)}");

    private final int maxStringLength;
    private final boolean writeTokenRequired;

    OpenApiOperations(int maxStringLength, boolean writeTokenRequired) {
        this.maxStringLength = maxStringLength;
        this.writeTokenRequired = writeTokenRequired;
    }

    /**
     * Each view at its own route, and at {@code /views/<name>} where every parameter comes from the
     * query: the generic {@code /views/{view}} route written out once per view, since each takes other parameters.
     */
    void addViews(ObjectNode paths, ViewCatalog catalog) {
        for (ViewDefinition view : catalog.views()) {
            if (view.route() != null) {
                operation(paths, view.route(), "get").setAll(read(view, pathParams(view.route()), "view." + view.name()));
            }
            operation(paths, "/views/" + view.name(), "get").setAll(read(view, Set.of(), "view." + view.name() + ".byName"));
        }
    }

    void addWrites(ObjectNode paths, ViewCatalog catalog) {
        for (WriteDefinition write : catalog.writes()) {
            operation(paths, write.route(), write.method().toLowerCase(Locale.ROOT)).setAll(write(write));
        }
    }

    private ObjectNode read(ViewDefinition view, Set<String> inPath, String operationId) {
        ObjectNode operation = NODES.objectNode();
        operation.putArray("tags").add("views");
        operation.put("operationId", operationId);
        operation.put("summary", view.description() == null ? "The view " + view.name() : view.description());
        boolean row = view.result() == ViewDefinition.ResultShape.ROW;
        operation.put("description", "View `" + view.name() + "`: " + (row ? "one row as a JSON object." : "every row as a JSON array.")
                + (inPath.size() < view.params().size() ? " Parameters not in the path come from the query; an unknown one is a 400." : ""));
        ArrayNode parameters = operation.putArray("parameters");
        for (ParamSpec spec : view.params().values()) {
            boolean path = inPath.contains(spec.name());
            parameters.add(parameter(spec.name(), path ? "path" : "query", path || spec.defaultValue() == null,
                    OpenApiSchemas.text(spec, maxStringLength), ""));
        }
        parameters.add(ref("#/components/parameters/" + ReadYourWritesHeader.NAME));
        parameters.add(ref("#/components/parameters/If-None-Match"));
        ObjectNode responses = operation.putObject("responses");
        ObjectNode body = row ? OpenApiSchemas.object("the row, each column under its label")
                : NODES.objectNode().put("type", "array").set("items", OpenApiSchemas.object("a row, each column under its label"));
        responses.set("200", cacheHeaders(json("The view's value", body)));
        responses.set("304", cacheHeaders(empty("The client's copy (If-None-Match) is current")));
        responses.set("400", problem("A parameter of the wrong type, out of its bounds or unknown, or a malformed "
                + ReadYourWritesHeader.NAME + " (every problem listed, up to " + RequestParams.MAX_PROBLEMS + ")"));
        if (row) {
            responses.set("404", problem("No row has these parameters"));
        }
        responses.set("422", problem("A stored value the API cannot render, naming its column"));
        responses.set("default", problem("Any other failure"));
        return operation;
    }

    private static ObjectNode cacheHeaders(ObjectNode response) {
        for (String header : new String[] {"X-Cache", "X-Cache-Version", "ETag", "Cache-Control", "X-Response-Time"}) {
            withHeader(response, header);
        }
        return response;
    }

    private ObjectNode write(WriteDefinition write) {
        ObjectNode operation = NODES.objectNode();
        operation.putArray("tags").add("writes");
        operation.put("operationId", "write." + write.name());
        operation.put("summary", write.description() == null ? "The write " + write.name() : write.description());
        operation.put("description", "Write `" + write.name() + "`: one SQL statement in its own transaction, on PostgreSQL"
                + " only; the change log brings it to the cache. Send the answer's " + ReadYourWritesHeader.NAME
                + " on a read to see the write.");
        ArrayNode security = operation.putArray("security");
        security.addObject().putArray("writeToken");
        if (!writeTokenRequired) {
            security.addObject();
        }
        Set<String> inPath = pathParams(write.route());
        ArrayNode parameters = operation.putArray("parameters");
        ObjectNode fields = NODES.objectNode();
        ArrayNode required = NODES.arrayNode();
        for (ParamSpec spec : write.params().values()) {
            if (inPath.contains(spec.name())) {
                parameters.add(parameter(spec.name(), "path", true, OpenApiSchemas.text(spec, maxStringLength), ""));
            } else {
                fields.set(spec.name(), OpenApiSchemas.body(spec, maxStringLength));
                if (!spec.optional() && spec.defaultValue() == null) {
                    required.add(spec.name());
                }
            }
        }
        if (!fields.isEmpty()) {
            ObjectNode schema = NODES.objectNode().put("type", "object").put("additionalProperties", false);
            schema.set("properties", fields);
            if (!required.isEmpty()) {
                schema.set("required", required);
            }
            ObjectNode body = operation.putObject("requestBody").put("required", !required.isEmpty());
            body.putObject("content").putObject("application/json").set("schema", schema);
        }
        operation.set("responses", writeResponses(write.method()));
        return operation;
    }

    private ObjectNode writeResponses(String method) {
        ObjectNode responses = NODES.objectNode();
        String lsn = ReadYourWritesHeader.NAME;
        switch (method) {
            case "DELETE" -> responses.set("204", withHeader(empty("Deleted"), lsn));
            case "POST" -> responses.set("201", withHeader(json("Created: the row the statement returned, if it returns one",
                    OpenApiSchemas.object("the returned row")), lsn));
            default -> responses.set("200", withHeader(json("Done: the row the statement returned, if it returns one",
                    OpenApiSchemas.object("the returned row")), lsn));
        }
        responses.set("400", problem("A field or path parameter of the wrong type, out of its bounds, unknown or missing, or a "
                + "body that is not exactly one JSON object (every problem listed, up to " + RequestParams.MAX_PROBLEMS + ")"));
        responses.set("401", withHeader(problem("No write token, or the wrong one (api.write-token is set)"), "WWW-Authenticate"));
        responses.set("404", withHeader(problem("Nothing matched"), lsn));
        responses.set("409", problem("The write breaks a unique constraint, named"));
        responses.set("413", problem("The body is longer than api.max-body-bytes"));
        responses.set("415", problem("The body is not Content-Type: application/json"));
        responses.set("422", problem("The write breaks another constraint, named"));
        responses.set("default", problem("Any other failure"));
        return responses;
    }

    /** The operation {@code method} of the path {@code route}, which views and writes may share. */
    private static ObjectNode operation(ObjectNode paths, String route, String method) {
        return paths.withObjectProperty(route).withObjectProperty(method);
    }

    private static Set<String> pathParams(String route) {
        Set<String> names = new LinkedHashSet<>();
        var matcher = PATH_PARAM.matcher(route);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }
}
