package io.cachepipe.ops.rebuild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.view.ViewDefinition;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A view's parameter set as the text a rebuild keeps in Redis until it loads the key from the
 * database: a JSON object with the parameters sorted by name, so one key is one set member however
 * often the topics name it.
 */
final class ParamSetJson {
    private final ObjectMapper json = Json.mapper();

    String encode(Map<String, Object> params) {
        ObjectNode node = json.createObjectNode();
        new TreeMap<>(params).forEach((name, value) -> node.set(name, json.valueToTree(value instanceof java.util.UUID uuid
                ? uuid.toString() : value)));
        return node.toString();
    }

    Map<String, Object> decode(ViewDefinition view, String text) {
        try {
            JsonNode node = json.readTree(text);
            Map<String, Object> params = new LinkedHashMap<>();
            view.params().forEach((name, spec) -> params.put(name, spec.type().fromJson(node.get(name))));
            return params;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable rebuild parameters '" + text + "' of view " + view.name(), e);
        }
    }
}
