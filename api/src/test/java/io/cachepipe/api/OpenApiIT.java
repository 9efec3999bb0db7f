package io.cachepipe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.core.json.Json;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The document a running API serves at /openapi.json is valid OpenAPI, names exactly the routes the
 * server has, and every operation in it answers a sample request with one of the statuses it documents.
 */
@WithDevStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiIT {
    private DemoApi api;
    private OpenAPI document;

    @BeforeAll
    void start(DevStack stack, TestNamespace namespace) throws Exception {
        api = new DemoApi(stack, namespace, Map.of("api.write-token", DemoApi.WRITE_TOKEN), Map.of());
        RawHttp.Response served = api.http.send("GET", OpenApiDocument.PATH, Map.of(), new byte[0]);
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.contentType()).startsWith("application/json");
        document = OpenApiDocumentTest.validated(served.body());
    }

    @AfterAll
    void stop() throws Exception {
        api.close();
    }

    @Test
    void theDocumentDescribesExactlyTheRoutesTheServerHas() {
        Set<String> documented = new TreeSet<>();
        document.getPaths().forEach((path, item) -> item.readOperationsMap().keySet().forEach(method ->
                documented.add(method + " " + (path.startsWith("/views/") ? "/views/{view}" : path))));
        assertThat(documented).isEqualTo(new TreeSet<>(api.server.routes()));
    }

    @Test
    void everyOperationAnswersASampleRequest_withAStatusItDocuments() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, PathItem> path : document.getPaths().entrySet()) {
            for (Map.Entry<PathItem.HttpMethod, Operation> entry : path.getValue().readOperationsMap().entrySet()) {
                Operation operation = entry.getValue();
                String target = sampleTarget(path.getKey(), operation);
                boolean admin = "admin".equals(operation.getTags().get(0));
                // Writes are sent without the write token: the 401 shows the route is there and writes nothing.
                Map<String, String> headers = admin ? Map.of("Authorization", "Bearer " + DemoApi.ADMIN_TOKEN) : DemoApi.json();
                RawHttp.Response answer = api.http.send(entry.getKey().name(), target, headers, new byte[0]);
                JsonNode detail = answer.isProblem() ? Json.mapper().readTree(answer.body()).path("detail") : null;
                boolean noRoute = detail != null && detail.asText().startsWith("no route");
                if (noRoute || !operation.getResponses().containsKey(Integer.toString(answer.status()))) {
                    wrong.add(entry.getKey() + " " + target + " answered " + answer.status() + " " + answer.body());
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aViewReadsAnswerCarriesTheDocumentedHeaders() {
        RawHttp.Response answer = api.http.send("GET", "/products/3", Map.of(), new byte[0]);
        assertThat(answer.status()).isEqualTo(200);
        List<String> documented = document.getPaths().get("/products/{id}").getGet().getResponses().get("200").getHeaders()
                .keySet().stream().filter(name -> !name.equals("X-Cache-Version")) // only when the value came from the cache
                .map(name -> name.toLowerCase(java.util.Locale.ROOT)).toList();
        assertThat(answer.headers()).containsKeys(documented.toArray(String[]::new));
    }

    /** The path with each path parameter given a sample value, and each required query parameter too. */
    private static String sampleTarget(String path, Operation operation) {
        String target = path;
        List<String> query = new ArrayList<>();
        for (Parameter parameter : operation.getParameters() == null ? List.<Parameter>of() : operation.getParameters()) {
            if ("path".equals(parameter.getIn())) {
                target = target.replace("{" + parameter.getName() + "}", sample(parameter.getSchema()));
            } else if ("query".equals(parameter.getIn()) && Boolean.TRUE.equals(parameter.getRequired())) {
                query.add(parameter.getName() + "=" + URLEncoder.encode(sample(parameter.getSchema()), StandardCharsets.UTF_8));
            }
        }
        return query.isEmpty() ? target : target + "?" + String.join("&", query);
    }

    private static String sample(Schema<?> schema) {
        if ("integer".equals(schema.getType()) || "number".equals(schema.getType())) {
            return schema.getMinimum() == null ? "1" : schema.getMinimum().toPlainString();
        }
        return "uuid".equals(schema.getFormat()) ? "00000000-0000-0000-0000-000000000001" : "sample";
    }
}
