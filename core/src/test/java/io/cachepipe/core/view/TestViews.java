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
}
