package io.cachepipe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.view.ParamSpec;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.examples.ExampleSchema;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The OpenAPI document of the demo catalog, read back by a real OpenAPI parser and validator (swagger-parser). */
class OpenApiDocumentTest {
    private static final ViewCatalog CATALOG = ViewsFile.load(ExampleSchema.CATALOG.viewsLocation());

    static ApiConfig config(Map<String, String> settings) {
        return ApiConfig.read(Settings.of(new HashMap<>(settings)));
    }

    /** The document parsed by swagger-parser, which must have found nothing wrong with it. */
    static OpenAPI validated(String json) {
        var options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(json, null, options);
        assertThat(result.getMessages()).as("validator messages").isEmpty();
        assertThat(result.getOpenAPI()).isNotNull();
        return result.getOpenAPI();
    }

    private static OpenAPI demo(Map<String, String> settings) {
        return validated(OpenApiDocument.text(OpenApiDocument.of(CATALOG, config(settings), "test")));
    }

    @Test
    void theDemoCatalogsDocument_isValidOpenApi_andHasEveryViewAtItsRouteAndByName() {
        OpenAPI api = demo(Map.of());
        assertThat(api.getOpenapi()).isEqualTo("3.0.3");
        for (ViewDefinition view : CATALOG.views()) {
            assertThat(api.getPaths()).containsKeys(view.route(), "/views/" + view.name());
            Operation atRoute = api.getPaths().get(view.route()).getGet();
            Operation byName = api.getPaths().get("/views/" + view.name()).getGet();
            assertThat(atRoute.getSummary()).isEqualTo(view.description());
            for (ParamSpec spec : view.params().values()) {
                Parameter inRoute = parameter(atRoute, spec.name());
                assertThat(inRoute.getIn()).isEqualTo(view.route().contains("{" + spec.name() + "}") ? "path" : "query");
                assertThat(parameter(byName, spec.name()).getIn()).isEqualTo("query");
                assertThat(bound(inRoute.getSchema().getMinimum())).as("%s.%s minimum", view.name(), spec.name()).isEqualTo(spec.min());
                assertThat(bound(inRoute.getSchema().getMaximum())).as("%s.%s maximum", view.name(), spec.name()).isEqualTo(spec.max());
                assertThat(inRoute.getRequired()).isEqualTo(inRoute.getIn().equals("path") || spec.defaultValue() == null);
            }
            boolean row = view.result() == ViewDefinition.ResultShape.ROW;
            assertThat(atRoute.getResponses().containsKey("404")).as("%s answers 404 for a missing row", view.name()).isEqualTo(row);
            assertThat(atRoute.getResponses().get("200").getHeaders()).containsKeys("ETag", "X-Cache", "Cache-Control");
            assertThat(atRoute.getResponses().get("400").getContent()).containsKey("application/problem+json");
        }
    }

    @Test
    void aListViewsPageParameter_isAnOptionalQueryInteger_withItsBoundsAndDefault() {
        Operation page = demo(Map.of()).getPaths().get("/categories/{category_id}/products").getGet();
        Schema<?> schema = parameter(page, "page").getSchema();
        assertThat(schema.getType()).isEqualTo("integer");
        assertThat(schema.getFormat()).isEqualTo("int32");
        assertThat(schema.getMinimum()).isEqualByComparingTo("1");
        assertThat(schema.getMaximum()).isEqualByComparingTo("10000");
        assertThat(schema.getDefault()).isEqualTo(1);
        assertThat(parameter(page, "page").getRequired()).isFalse();
        assertThat(parameter(page, "category_id").getSchema().getFormat()).isEqualTo("int64");
    }

    @Test
    void writes_haveTheirMethodBodyAndAnswers_andTheWriteTokenIsOptionalUntilItIsSet() {
        PathItem products = demo(Map.of()).getPaths().get("/products");
        Operation create = products.getPost();
        Schema<?> body = create.getRequestBody().getContent().get("application/json").getSchema();
        assertThat(body.getRequired()).containsExactlyInAnyOrder("sku", "name", "price");
        assertThat(body.getProperties()).containsOnlyKeys("sku", "name", "price", "stock", "category_id");
        assertThat(body.getProperties().get("stock").getDefault()).isEqualTo(0);
        assertThat(body.getProperties().get("name").getMaxLength()).isEqualTo(10_000);
        assertThat(create.getResponses()).containsKeys("201", "400", "401", "409", "415", "422");
        assertThat(create.getResponses().get("201").getHeaders()).containsKey(ReadYourWritesHeader.NAME);
        assertThat(create.getSecurity()).hasSize(2).anySatisfy(requirement -> assertThat(requirement).isEmpty());

        PathItem product = demo(Map.of("api.write-token", "write-token-0123456789abcdef", "api.max-string-length", "200"))
                .getPaths().get("/products/{id}");
        assertThat(product.getGet()).isNotNull();
        assertThat(product.getDelete().getResponses()).containsKey("204").doesNotContainKey("200");
        assertThat(product.getDelete().getRequestBody()).isNull();
        assertThat(product.getPatch().getRequestBody().getRequired()).isFalse();
        assertThat(product.getPut().getSecurity()).hasSize(1);
        Schema<?> replace = product.getPut().getRequestBody().getContent().get("application/json").getSchema();
        assertThat(replace.getProperties().get("sku").getMaxLength()).isEqualTo(200);
    }

    @Test
    void theFixedRoutes_areDescribed_theAdminOnesBehindTheAdminToken() {
        OpenAPI api = demo(Map.of());
        assertThat(api.getPaths()).containsKeys("/cache/stats", "/cache/summary", "/metrics", "/health/live", "/health/ready",
                "/version", "/noop", OpenApiDocument.PATH, "/admin/warm", "/admin/flush", "/admin/hot-keys", "/admin/replay/status");
        assertThat(api.getPaths().get("/admin/flush").getPost().getSecurity()).singleElement()
                .satisfies(requirement -> assertThat(requirement).containsOnlyKeys("adminToken"));
        assertThat(api.getComponents().getSecuritySchemes()).containsOnlyKeys("writeToken", "adminToken");
    }

    @Test
    void theValidatorIsReal_aBrokenDocumentIsReported() {
        ObjectNode broken = OpenApiDocument.of(CATALOG, config(Map.of()), "test");
        ((ObjectNode) broken.get("paths").get("/products/{id}").get("get").get("responses").get("200")).remove("description");
        ((ObjectNode) broken.get("paths").get("/products/{id}").get("get")).putArray("parameters");
        var options = new ParseOptions();
        options.setResolve(true);
        List<String> messages = new OpenAPIV3Parser().readContents(OpenApiDocument.text(broken), null, options).getMessages();
        assertThat(messages).isNotEmpty();
    }

    private static Parameter parameter(Operation operation, String name) {
        return operation.getParameters().stream().filter(parameter -> name.equals(parameter.getName())).findFirst()
                .orElseThrow(() -> new AssertionError(operation.getOperationId() + " has no parameter " + name));
    }

    private static Long bound(BigDecimal value) {
        return value == null ? null : value.longValueExact();
    }
}
