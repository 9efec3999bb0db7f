package io.cachepipe.core.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.config.ConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ViewsFileTest {

    @Test
    void readsViewsWithDefaults() {
        ViewCatalog catalog = TestViews.catalog();
        ViewDefinition product = catalog.view("product").orElseThrow();
        assertThat(product.ttl()).isEqualTo(ViewsFile.DEFAULT_TTL);
        assertThat(product.result()).isEqualTo(ViewDefinition.ResultShape.ROW);
        assertThat(product.hasPatternSources()).isFalse();
        ViewDefinition listing = catalog.view("category-products").orElseThrow();
        assertThat(listing.groupParams()).containsExactly("category_id");
        assertThat(listing.params().get("page").defaultValue()).isEqualTo(1);
        assertThat(catalog.capturedTables()).containsExactly(new TableName("public", "products"));
    }

    @Test
    void descriptionsOfViewsAndWrites_areKept_forTheApiDocument() {
        ViewCatalog catalog = ViewsFile.parse("described.yaml", TestViews.YAML.replace("  product:\n",
                "  product:\n    description: '  One product.  '\n") + """
                writes:
                  delete-product:
                    description: Deletes a product.
                    route: DELETE /products/{id}
                    params: {id: long}
                    sql: DELETE FROM products WHERE id = :id
                """);
        assertThat(catalog.view("product").orElseThrow().description()).isEqualTo("One product.");
        assertThat(catalog.view("by-sku").orElseThrow().description()).isNull();
        assertThat(catalog.writes().get(0).description()).isEqualTo("Deletes a product.");
    }

    @Test
    void reportsEveryProblemAtOnce_namingFileViewAndField() {
        String yaml = """
                views:
                  product:
                    key: product:{id}
                    params: {id: long}
                    sql: SELECT * FROM products WHERE id = :id AND x = :missing
                    ttl: forever
                    tll: 5m
                    sources:
                      - table: products
                        bind: {id: id, nope: sku}
                  listing:
                    key: list:{a}:{b}
                    params: {a: long, b: long}
                    sql: SELECT :a, :b
                    sources:
                      - table: products
                        bind: {b: x}
                """;
        assertThatThrownBy(() -> ViewsFile.parse("bad.yaml", yaml))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "bad.yaml: view 'product': unknown field 'tll' (known: description, http-max-age, key, negative-ttl, on-change, params, result, route, sources, sql, stale-grace, ttl, ttl-jitter, warm)",
                        "bad.yaml: view 'product': ttl = 'forever': expected a duration such as 250ms, 10s, 5m, 1h or 2d",
                        "bad.yaml: view 'product': sources[0]: bind: 'nope' is not a declared parameter of the view (declared: [id])",
                        "bad.yaml: view 'product': sql uses :missing, which is not a declared parameter (declared: [id])",
                        "bad.yaml: view 'listing': parameters bound by pattern sources [b] must come first in key 'list:{a}:{b}' (they form the Redis hash tag of the group)"));
    }

    @Test
    void unboundParameter_sqlUsesOneTheViewDoesNotDeclare() {
        String yaml = TestViews.YAML.replace("sql: SELECT * FROM products WHERE id = :id",
                "sql: SELECT * FROM products WHERE id = :id AND lang = :lang");
        assertThatThrownBy(() -> ViewsFile.parse("shop-views.yaml", yaml))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "shop-views.yaml: view 'product': sql uses :lang, which is not a declared parameter (declared: [id])"));
    }

    @Test
    void unusedParameter_declaredButNotInTheSql() {
        String yaml = TestViews.YAML.replace("key: product:{id}\n    params: {id: long}",
                "key: product:{id}:{lang}\n    params: {id: long, lang: string}");
        assertThat(yaml).contains("{lang}");
        assertThatThrownBy(() -> ViewsFile.parse("shop-views.yaml", yaml))
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "shop-views.yaml: view 'product': parameter 'lang' is not used by sql: every key would hold the same value"));
    }

    @Test
    void badTtls_eachNamedWithFileViewFieldAndValue() {
        String yaml = TestViews.YAML.replace("sql: SELECT * FROM products WHERE id = :id",
                "sql: SELECT * FROM products WHERE id = :id\n    ttl: 45d\n    negative-ttl: soon\n    stale-grace: -1s");
        assertThatThrownBy(() -> ViewsFile.parse("shop-views.yaml", yaml))
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "shop-views.yaml: view 'product': ttl = '45d': expected a duration above 0 and at most 30d",
                        "shop-views.yaml: view 'product': negative-ttl = 'soon': expected a duration such as 250ms, 10s, 5m, 1h or 2d",
                        "shop-views.yaml: view 'product': stale-grace = '-1s': expected a duration such as 250ms, 10s, 5m, 1h or 2d"));
    }

    @Test
    void rejectsABadTtl() {
        String yaml = TestViews.YAML.replace("sql: SELECT * FROM products WHERE id = :id", "sql: SELECT * FROM products WHERE id = :id\n    ttl: 0s");
        assertThatThrownBy(() -> ViewsFile.parse("ttl.yaml", yaml))
                .hasMessageContaining("view 'product': ttl = '0s': expected a duration above 0 and at most 30d");
    }

    @Test
    void rejectsKeyParametersThatAreNotDeclared_andDeclaredOnesMissingFromTheKey() {
        String yaml = """
                views:
                  product:
                    key: product:{id}:{lang}
                    params: {id: long, page: int}
                    sql: SELECT :id, :page
                    sources: [{table: products, bind: {id: id}}]
                """;
        assertThatThrownBy(() -> ViewsFile.parse("keys.yaml", yaml))
                .hasMessageContaining("key 'product:{id}:{lang}' uses {lang}, which params does not declare")
                .hasMessageContaining("parameter 'page' is not in key 'product:{id}:{lang}'");
    }

    @Test
    void rejectsViewsWhoseKeysCanCollide() {
        String yaml = """
                views:
                  a: {key: "x:{id}", params: {id: long}, sql: "SELECT :id", sources: [{table: t, bind: {id: id}}], ttl: 1m}
                  b: {key: "x:{code}", params: {code: string}, sql: "SELECT :code", sources: [{table: t, bind: {code: c}}]}
                """;
        assertThatThrownBy(() -> ViewsFile.parse("c.yaml", yaml)).hasMessageContaining("views 'a' and 'b' have key templates that can produce the same key");
        assertThat(Duration.ofMinutes(1)).isNotNull();
    }
}
