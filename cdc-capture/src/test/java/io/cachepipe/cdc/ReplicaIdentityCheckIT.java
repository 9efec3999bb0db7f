package io.cachepipe.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The start-up check of REPLICA IDENTITY on a real PostgreSQL: warn with the fix, or apply it. */
@WithDevStack
class ReplicaIdentityCheckIT {
    private static final ViewCatalog CATALOG = ViewsFile.parse("identity-it.yaml", """
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
              tag:
                key: tag:{id}
                params: {id: long}
                sql: SELECT * FROM tags WHERE id = :id
                sources: [{table: tags, bind: {id: id}}]
            """);

    @Test
    void warnsAboutTablesWhoseViewsBindColumnsOutsideTheKey_andSetsFullIdentityWhenTold(TestNamespace namespace) throws Exception {
        namespace.jdbc().execute("CREATE TABLE products (id bigint PRIMARY KEY, category_id bigint)");
        namespace.jdbc().execute("CREATE TABLE tags (id bigint PRIMARY KEY, name text)");
        try (Connection connection = namespace.jdbc().connect()) {
            List<ReplicaIdentityCheck.Finding> findings = ReplicaIdentityCheck.run(connection, CATALOG, CdcConfig.ReplicaIdentityPolicy.WARN);

            assertThat(findings).singleElement().satisfies(finding -> {
                assertThat(finding.table().toString()).isEqualTo("public.products");
                assertThat(finding.identity()).isEqualTo("DEFAULT");
                assertThat(finding.columns()).containsExactly("category_id");
                assertThat(finding.fix()).isEqualTo("ALTER TABLE public.products REPLICA IDENTITY FULL");
            });
            assertThat(identity(namespace, "products")).as("warn changes nothing").isEqualTo("d");

            assertThat(ReplicaIdentityCheck.run(connection, CATALOG, CdcConfig.ReplicaIdentityPolicy.SET)).isEmpty();
            assertThat(identity(namespace, "products")).isEqualTo("f");
            assertThat(identity(namespace, "tags")).as("keys only: DEFAULT is enough").isEqualTo("d");
            assertThat(ReplicaIdentityCheck.run(connection, CATALOG, CdcConfig.ReplicaIdentityPolicy.WARN)).isEmpty();
        }
    }

    @Test
    void aPartitionedTable_isCheckedAndSetInEachPartition_whereUpdatesAreDecoded(TestNamespace namespace) throws Exception {
        ViewCatalog orders = ViewsFile.parse("identity-partitioned-it.yaml", """
                views:
                  customer-orders:
                    key: customer:{customer_id}:orders
                    params: {customer_id: long}
                    sql: SELECT * FROM orders WHERE customer_id = :customer_id
                    result: list
                    sources: [{table: orders, bind: {customer_id: customer_id}}]
                """);
        namespace.jdbc().execute("CREATE TABLE orders (id bigint, year int, customer_id bigint, PRIMARY KEY (id, year)) PARTITION BY LIST (year)");
        namespace.jdbc().execute("CREATE TABLE orders_2025 PARTITION OF orders FOR VALUES IN (2025)");
        namespace.jdbc().execute("CREATE TABLE orders_2026 PARTITION OF orders FOR VALUES IN (2026)");
        // Set on the partitioned table, FULL is not passed on to its partitions.
        namespace.jdbc().execute("ALTER TABLE orders REPLICA IDENTITY FULL");
        try (Connection connection = namespace.jdbc().connect()) {
            assertThat(ReplicaIdentityCheck.run(connection, orders, CdcConfig.ReplicaIdentityPolicy.WARN))
                    .extracting(finding -> finding.table().toString()).containsExactly("public.orders_2025", "public.orders_2026");

            assertThat(ReplicaIdentityCheck.run(connection, orders, CdcConfig.ReplicaIdentityPolicy.SET)).isEmpty();
            assertThat(identity(namespace, "orders_2025")).isEqualTo("f");
            assertThat(identity(namespace, "orders_2026")).isEqualTo("f");
        }
    }

    @Test
    void tablesWithNoIdentityAtAll_areRefusedTogether_sinceTheirWritesWouldFail_unlessTheCheckSetsFull(
            @TestNamespace.PerMethod TestNamespace namespace) throws Exception {
        ViewCatalog logs = ViewsFile.parse("identity-none-it.yaml", """
                views:
                  log-line:
                    key: log:{id}
                    params: {id: long}
                    sql: SELECT * FROM log_lines WHERE id = :id
                    sources: [{table: log_lines, bind: {id: id}}]
                  setting:
                    key: setting:{name}
                    params: {name: string}
                    sql: SELECT * FROM settings WHERE name = :name
                    sources: [{table: settings, bind: {name: name}}]
                """);
        namespace.jdbc().execute("CREATE TABLE log_lines (id bigint, line text)");
        namespace.jdbc().execute("CREATE TABLE settings (name text PRIMARY KEY, value text)");
        namespace.jdbc().execute("ALTER TABLE settings REPLICA IDENTITY NOTHING");
        try (Connection connection = namespace.jdbc().connect()) {
            assertThatThrownBy(() -> ReplicaIdentityCheck.run(connection, logs, CdcConfig.ReplicaIdentityPolicy.WARN))
                    .hasMessageContaining("PostgreSQL refuses every UPDATE and DELETE of them")
                    .hasMessageContaining("public.log_lines has REPLICA IDENTITY DEFAULT and no primary key. Fix: ALTER TABLE "
                            + "public.log_lines REPLICA IDENTITY FULL, or add a primary key")
                    .hasMessageContaining("public.settings has REPLICA IDENTITY NOTHING. Fix: ALTER TABLE public.settings REPLICA IDENTITY FULL");
            assertThat(identity(namespace, "log_lines")).as("warn changes nothing").isEqualTo("d");

            assertThat(ReplicaIdentityCheck.run(connection, logs, CdcConfig.ReplicaIdentityPolicy.SET)).isEmpty();
            assertThat(identity(namespace, "log_lines")).isEqualTo("f");
            assertThat(identity(namespace, "settings")).isEqualTo("f");
        }
    }

    private static String identity(TestNamespace namespace, String table) {
        return namespace.jdbc().queryValue(String.class, "SELECT relreplident::text FROM pg_class WHERE relname = ?", table);
    }
}
