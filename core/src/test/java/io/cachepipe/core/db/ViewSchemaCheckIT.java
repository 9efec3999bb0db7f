package io.cachepipe.core.db;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.core.config.ConfigException;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.devstack.PostgresServer;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Declarations are checked against the database at start-up: each class of mistake, with its message. */
@WithDevStack
class ViewSchemaCheckIT {

    @Test
    void unknownTableUnknownColumnAndSqlThatDoesNotPrepare_areReportedTogether(PostgresServer postgres, TestNamespace namespace) {
        namespace.jdbc().execute("CREATE TABLE products (id bigint PRIMARY KEY, category_id bigint, name text)");
        var dataSource = new PGSimpleDataSource();
        dataSource.setURL(namespace.jdbcUrl());
        dataSource.setUser(postgres.user());
        dataSource.setPassword(postgres.password());
        var catalog = ViewsFile.parse("bad.yaml", """
                views:
                  product:
                    key: product:{id}
                    params: {id: long}
                    sql: SELECT id, name FROM products WHERE id = :id
                    sources:
                      - table: products
                        bind: {id: id}
                      - table: inventory
                        bind: {id: product_id}
                  listing:
                    key: category:{category_id}:page:{page}
                    params: {category_id: long, page: int}
                    sql: SELECT id FROM products WHERE category_id = :category_id ORDER BY nme OFFSET :page
                    sources:
                      - table: products
                        bind: {category_id: category}
                """);

        assertThatThrownBy(() -> ViewSchemaCheck.check(catalog, dataSource))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("view 'product': source table public.inventory does not exist")
                .hasMessageContaining("view 'listing': bind.category_id: table public.products has no column 'category'")
                .hasMessageContaining("view 'listing': sql does not prepare on the database: ")
                .hasMessageContaining("nme");
    }
}
