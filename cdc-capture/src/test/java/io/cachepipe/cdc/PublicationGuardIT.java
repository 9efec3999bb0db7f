package io.cachepipe.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.store.postgres.ConnectionPool;
import io.cachepipe.store.postgres.DataSources;
import io.cachepipe.testsupport.Jdbc;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The publication guard on a real PostgreSQL, for partitioned tables: no Debezium, no Kafka. */
@WithDevStack
class PublicationGuardIT {
    private static final TableName ORDERS = new TableName("public", "orders");
    private static final TableName ORDERS_2026 = new TableName("public", "orders_2026");

    @Test
    void aPublicationThatPublishesPartitionsUnderTheirOwnNames_isSetToPublishViaTheRoot_once(
            @TestNamespace.PerMethod TestNamespace namespace, DevStack stack) throws Exception {
        Jdbc db = partitioned(namespace);
        // As Debezium leaves a publication it did not create, or one created before cachepipe set the option.
        db.execute("CREATE PUBLICATION " + namespace.name() + " FOR TABLE orders");
        assertThat(db.queryValue(String.class, "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_publication_tables WHERE pubname = ?",
                namespace.name())).isEqualTo("orders_2025,orders_2026");
        var metrics = new SimpleMeterRegistry();
        try (ConnectionPool pool = DataSources.pool(postgres(namespace, stack), "guard-it")) {
            var guard = new PublicationGuard(pool, namespace.name(), Set.of(ORDERS), metrics);

            assertThat(guard.check()).containsExactly(ORDERS);
            assertThat(db.queryValue(Boolean.class, "SELECT pubviaroot FROM pg_publication WHERE pubname = ?", namespace.name())).isTrue();
            assertThat(db.queryValue(String.class, "SELECT string_agg(tablename, ',') FROM pg_publication_tables WHERE pubname = ?",
                    namespace.name())).isEqualTo("orders");

            assertThat(guard.check()).as("nothing left to mend").isEmpty();
            assertThat(metrics.counter(MetricNames.CDC_PUBLICATION_REPAIRS).count()).isEqualTo(1);
        }
    }

    @Test
    void viewsNamingAPartitionAndItsPartitionedTable_areRefused_naming_whatToNameInstead(TestNamespace namespace) throws Exception {
        partitioned(namespace);
        try (Connection connection = namespace.jdbc().connect()) {
            assertThatThrownBy(() -> PublicationGuard.refusePartitionsOfCaptured(connection, Set.of(ORDERS, ORDERS_2026)))
                    .hasMessageContaining("public.orders_2026 is a partition of public.orders, which views read too")
                    .hasMessageContaining("name public.orders in the sources of the views that read public.orders_2026");

            // Alone, a partition is published under its own name: views may read it.
            PublicationGuard.refusePartitionsOfCaptured(connection, Set.of(ORDERS_2026));
            PublicationGuard.refusePartitionsOfCaptured(connection, Set.of(ORDERS, new TableName("public", "absent")));
        }
    }

    private static Jdbc partitioned(TestNamespace namespace) {
        Jdbc db = namespace.jdbc();
        db.execute("CREATE TABLE IF NOT EXISTS orders (id bigint, year int, PRIMARY KEY (id, year)) PARTITION BY LIST (year)");
        db.execute("CREATE TABLE IF NOT EXISTS orders_2025 PARTITION OF orders FOR VALUES IN (2025)");
        db.execute("CREATE TABLE IF NOT EXISTS orders_2026 PARTITION OF orders FOR VALUES IN (2026)");
        return db;
    }

    private static PostgresConfig postgres(TestNamespace namespace, DevStack stack) {
        return new PostgresConfig(namespace.jdbcUrl(), stack.postgres().user(), stack.postgres().password(), 2);
    }
}
