package io.cachepipe.store.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.WarmRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON form of {@link WarmRequest}: {@code {"view":"product","params":{"id":42},"version":"…","commitTs":…}}.
 * Parameter values keep their JSON type; the warmer re-reads them through the view's declared types.
 */
public final class WarmRequestSerde implements Serde<WarmRequest> {
    private final ObjectMapper json;

    public WarmRequestSerde(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public Serializer<WarmRequest> serializer() {
        return (topic, request) -> {
            if (request == null) {
                return null;
            }
            ObjectNode node = json.createObjectNode();
            node.put("view", request.view());
            ObjectNode params = node.putObject("params");
            request.params().forEach((name, value) -> params.set(name, json.valueToTree(value)));
            node.put("version", request.version().hex());
            node.put("commitTs", request.commitTimeMs());
            try {
                return json.writeValueAsBytes(node);
            } catch (IOException e) {
                throw new SerializationException("cannot write warm request " + request, e);
            }
        };
    }

    @Override
    public Deserializer<WarmRequest> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                JsonNode node = json.readTree(bytes);
                Map<String, Object> params = new LinkedHashMap<>();
                node.path("params").properties().forEach(entry -> params.put(entry.getKey(),
                        entry.getValue().isIntegralNumber() ? (Object) entry.getValue().longValue() : entry.getValue().asText()));
                return new WarmRequest(node.path("view").asText(), params, Version.parse(node.path("version").asText()),
                        node.path("commitTs").asLong());
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("not a warm request: " + e.getMessage(), e);
            }
        };
    }
}
