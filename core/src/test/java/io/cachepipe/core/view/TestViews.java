package io.cachepipe.core.view;

/** A small views declaration shaped like the demo catalog, for unit tests. */
public final class TestViews {
    public static final String YAML = """
            views:
              product:
                key: product:{id}
                params: {id: long}
                sql: SELECT * FROM products WHERE id = :id
                sources:
                  - table: products
                    bind: {id: id}
              category-products:
                key: category:{category_id}:products:page:{page}
                params:
                  category_id: long
                  page: {type: int, min: 1, default: 1}
                sql: SELECT * FROM products WHERE category_id = :category_id LIMIT 20 OFFSET (:page - 1) * 20
                result: list
                sources:
                  - table: products
                    bind: {category_id: category_id}
              by-sku:
                key: sku:{sku}
                params: {sku: string}
                sql: SELECT * FROM products WHERE sku = :sku
                sources:
                  - table: products
                    bind: {sku: sku}
            """;

    private TestViews() {
    }

    public static ViewCatalog catalog() {
        return ViewsFile.parse("test-views.yaml", YAML);
    }

    /** A one-source view of public.products with one long parameter, for tests of its SQL's shape. */
    public static ViewDefinition ofSql(String sql, String param, ViewDefinition.ResultShape shape) {
        return new ViewDefinition("v", KeyTemplate.parse("v:{" + param + "}"),
                java.util.Map.of(param, new ParamSpec(param, ParamType.LONG, null, null, null)), sql, shape,
                java.time.Duration.ofMinutes(1), 0, java.time.Duration.ofMinutes(1), ViewDefinition.ChangeMode.INVALIDATE,
                java.time.Duration.ZERO, ViewDefinition.WarmPolicy.CACHED, java.time.Duration.ZERO, null,
                java.util.List.of(new SourceMapping(new io.cachepipe.core.change.TableName("public", "products"),
                        java.util.Map.of(param, "id"))), -1, null);
    }
}
