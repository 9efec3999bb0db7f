package io.cachepipe.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.core.view.ParamSpec;
import io.cachepipe.core.view.ParamType;
import java.math.BigDecimal;

/**
 * The pieces {@link OpenApiDocument} is made of: the schema of a declared parameter, as request text
 * ({@link ParamType#parse}) or as a JSON body field ({@link RequestParams}' stricter reading), and
 * responses, headers and references in the shapes OpenAPI 3.0 wants.
 */
final class OpenApiSchemas {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String PROBLEM = "#/components/schemas/Problem";

    private OpenApiSchemas() {
    }

    /** A path or query parameter: text parsed by its type, checked against its bounds, its default when left out. */
    static ObjectNode text(ParamSpec spec, int maxStringLength) {
        ObjectNode schema = typed(spec.type(), spec, maxStringLength);
        if (spec.defaultValue() != null) {
            schema.set("default", value(spec.defaultValue()));
        }
        return schema;
    }

    /**
     * A field of a write's JSON body: a whole number must be a JSON integer, a decimal a number or a
     * string holding one, a string or UUID a JSON string. JSON null reads as left out.
     */
    static ObjectNode body(ParamSpec spec, int maxStringLength) {
        ObjectNode schema;
        if (spec.type() == ParamType.DECIMAL) {
            schema = NODES.objectNode();
            schema.putArray("oneOf").add(typed(ParamType.DECIMAL, spec, maxStringLength))
                    .add(string().put("pattern", "^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*$")
                            .put("description", "a decimal number as text, for clients that keep money as text (the same bounds apply)"));
        } else {
            schema = typed(spec.type(), spec, maxStringLength);
        }
        if (spec.defaultValue() != null) {
            schema.set("default", value(spec.defaultValue()));
        }
        if (spec.optional() || spec.defaultValue() != null) {
            schema.put("nullable", true);
        }
        return schema;
    }

    private static ObjectNode typed(ParamType type, ParamSpec spec, int maxStringLength) {
        ObjectNode schema = switch (type) {
            case LONG -> NODES.objectNode().put("type", "integer").put("format", "int64");
            case INT -> NODES.objectNode().put("type", "integer").put("format", "int32");
            case DECIMAL -> NODES.objectNode().put("type", "number");
            case STRING, CHAR -> string().put("maxLength", maxStringLength);
            case UUID -> string().put("format", "uuid");
        };
        if (type.isNumeric() && spec.min() != null) {
            schema.put("minimum", spec.min());
        }
        if (type.isNumeric() && spec.max() != null) {
            schema.put("maximum", spec.max());
        }
        return schema;
    }

    private static JsonNode value(Object value) {
        return switch (value) {
            case Integer number -> NODES.numberNode(number);
            case Long number -> NODES.numberNode(number);
            case BigDecimal number -> NODES.numberNode(number);
            default -> NODES.textNode(value.toString());
        };
    }

    static ObjectNode string() {
        return NODES.objectNode().put("type", "string");
    }

    static ObjectNode integer(int minimum, int maximum, int defaultValue) {
        return NODES.objectNode().put("type", "integer").put("format", "int32").put("minimum", minimum).put("maximum", maximum)
                .put("default", defaultValue);
    }

    static ObjectNode bool(boolean defaultValue) {
        return NODES.objectNode().put("type", "boolean").put("default", defaultValue);
    }

    static ObjectNode object(String description) {
        return NODES.objectNode().put("type", "object").put("description", description);
    }

    static ObjectNode ref(String target) {
        return NODES.objectNode().put("$ref", target);
    }

    /** A parameter of a route: {@code in} is path, query or header. */
    static ObjectNode parameter(String name, String in, boolean required, ObjectNode schema, String description) {
        ObjectNode parameter = NODES.objectNode().put("name", name).put("in", in);
        if (!description.isEmpty()) {
            parameter.put("description", description);
        }
        parameter.put("required", required).set("schema", schema);
        return parameter;
    }

    /** An answer with a JSON body. */
    static ObjectNode json(String description, ObjectNode schema) {
        return content(description, "application/json", schema);
    }

    static ObjectNode content(String description, String mediaType, ObjectNode schema) {
        ObjectNode response = empty(description);
        response.putObject("content").putObject(mediaType).set("schema", schema);
        return response;
    }

    /** An error answer: {@link ProblemResponses}' one shape. */
    static ObjectNode problem(String description) {
        return content(description, ProblemResponses.PROBLEM_JSON, ref(PROBLEM));
    }

    static ObjectNode empty(String description) {
        return NODES.objectNode().put("description", description);
    }

    /** Adds a response header, by reference to {@code components.headers}. */
    static ObjectNode withHeader(ObjectNode response, String header) {
        response.withObjectProperty("headers").set(header, ref("#/components/headers/" + header));
        return response;
    }
}
