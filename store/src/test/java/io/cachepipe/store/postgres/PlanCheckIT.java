package io.cachepipe.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.devstack.PostgresServer;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * The database side, on a real PostgreSQL: a view whose SQL has no index behind it is named by the
 * start-up plan check, and a load slower than {@code postgres.slow-load} is logged and counted.
 */
@WithDevStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlanCheckIT {
    private static final String VIEWS = """
            views:
              order:
                key: order:{id}
                params: {id: long}
                sql: SELECT id, customer, note FROM orders WHERE id = :id
                result: row
                sources: [{table: orders, bind: {id: id}}]
              customer-orders:
                key: customer:{customer}:orders:page:{page}
                params: {customer: string, page: {type: int, default: 1}}
                sql: SELECT id, note FROM orders WHERE customer = :customer ORDER BY id LIMIT 20 OFFSET (:page - 1) * 20
                result: list
                sources: [{table: orders, bind: {customer: customer}}]
              slow-order:
                key: slow:{id}
                params: {id: long}
                sql: SELECT id, pg_sleep(0.05)::text AS slept FROM orders WHERE id = :id
                result: row
                sources: [{table: orders, bind: {id: id}}]
              customer-count:
                key: customer-count:{customer}
                params: {customer: string}
                sql: SELECT :customer AS customer, count(*) AS orders, now() - now() AS age, array_agg(id) AS ids FROM orders WHERE customer = :customer
                result: row
                sources: [{table: orders, bind: {customer: customer}}]
              label:
                key: label:{id}
                params: {id: long}
                sql: SELECT id, text FROM labels WHERE id = :id OR text = 'all'
                result: row
                sources: [{table: labels, bind: {id: id}}]
            """;

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private ConnectionPool pool;
    private ViewCatalog catalog;

    @BeforeAll
    void schema(PostgresServer postgres, TestNamespace namespace) {
        var jdbc = namespace.jdbc();
        jdbc.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL, note text)");
        jdbc.execute("INSERT INTO orders SELECT n, 'customer-' || (n % 5000), 'note ' || n FROM generate_series(1, 30000) n");
        jdbc.execute("CREATE TABLE labels (id bigint PRIMARY KEY, text text)");
        jdbc.execute("INSERT INTO labels SELECT n, 'label ' || n FROM generate_series(1, 50) n");
        jdbc.execute("ANALYZE orders");
        jdbc.execute("ANALYZE labels");
        catalog = ViewsFile.parse("orders.yaml", VIEWS);
        var config = new PostgresConfig(namespace.jdbcUrl(), postgres.user(), postgres.password(), 2, PostgresConfig.Pool.DEFAULTS,
                Duration.ofMillis(20), 10_000);
        pool = DataSources.pool(config, "plan-check-it", metrics);
    }

    @AfterAll
    void close() {
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void aViewWithoutAnIndexOnItsFilter_isNamedInAWarning_andIndexedOrSmallOnesAreNot() {
        List<ILoggingEvent> warnings = logged(PlanCheck.class, () -> PlanCheck.warn(catalog, pool, 10_000));

        assertThat(warnings).extracting(ILoggingEvent::getFormattedMessage).hasSize(2)
                .anySatisfy(message -> assertThat(message).startsWith("View 'customer-count' reads every row of public.orders"))
                .anySatisfy(message -> assertThat(message)
                        .startsWith("View 'customer-orders' reads every row of public.orders (about 30,000 rows, Seq Scan with Filter: ")
                        .contains("customer = $1")
                        .endsWith("add an index on the columns its parameters bind, or raise postgres.plan-check-rows if this is meant"));
        assertThat(PlanCheck.explain(catalog, pool, 10_000)).filteredOn(plan -> plan.view().equals("order")).singleElement()
                .satisfies(plan -> assertThat(plan.summary()).isEqualTo("Index Scan using orders_pkey on orders"));
    }

    @Test
    void anIndex_silencesTheWarning_andAThresholdOfZeroChecksNothing(TestNamespace namespace) {
        assertThat(PlanCheck.warn(catalog, pool, 0)).isEmpty();
        namespace.jdbc().execute("CREATE INDEX orders_customer_idx ON orders (customer, id)");
        try {
            assertThat(PlanCheck.warn(catalog, pool, 10_000)).isEmpty();
        } finally {
            namespace.jdbc().execute("DROP INDEX orders_customer_idx");
        }
    }

    @Test
    void aViewWhoseSqlReadsTheClock_isWarnedOf_byTheStartUpCheck() {
        List<ILoggingEvent> warnings = logged(ViewSchemaCheck.class, () -> ViewSchemaCheck.check(catalog, pool));

        assertThat(warnings).extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
                .startsWith("View 'customer-count' reads the clock or chance (now()): its value moves as time passes, which is no change");
    }

    @Test
    void aSlowLoad_isLoggedWithItsSql_andCounted() throws Exception {
        var view = catalog.view("slow-order").orElseThrow();
        List<ILoggingEvent> warnings = logged(LoadTimer.class, () -> new ViewLoader(pool, LoadTimer.Cause.WARM).load(view, Map.of("id", 7L)));

        assertThat(warnings).extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
                .startsWith("Slow load: view slow-order (1 key, warm) took ")
                .contains("over postgres.slow-load = 20 ms: SELECT id, pg_sleep(0.05)::text AS slept FROM orders WHERE id = :id");
        assertThat(metrics.get(MetricNames.DB_SLOW_LOADS).tag("view", "slow-order").tag("cause", "warm").counter().count()).isEqualTo(1);
        assertThat(metrics.find(MetricNames.DB_SLOW_LOADS).tag("view", "order").counter()).isNull();
    }

    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    private static List<ILoggingEvent> logged(Class<?> source, Action action) {
        var appender = new ListAppender<ILoggingEvent>();
        appender.start();
        Logger logger = (Logger) LoggerFactory.getLogger(source);
        logger.addAppender(appender);
        try {
            action.run();
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            logger.detachAppender(appender);
        }
        return appender.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN)).toList();
    }
}
