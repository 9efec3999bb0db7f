package io.cachepipe.invalidator;

import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewsFile;

/** The views the invalidator's unit tests map changes onto: a row view and a listing whose pages form a group per category. */
final class TestCatalog {
    static final ViewCatalog CATALOG = ViewsFile.parse("test.yaml", """
            views:
              product:
                key: product:{id}
                params: {id: long}
                sql: SELECT * FROM products WHERE id = :id
                sources: [{table: products, bind: {id: id}}]
              category-products:
                key: category:{category_id}:products:page:{page}
                params: {category_id: long, page: int}
                sql: SELECT * FROM products WHERE category_id = :category_id OFFSET :page
                result: list
                sources: [{table: products, bind: {category_id: category_id}}]
            """);

    private TestCatalog() {
    }
}
