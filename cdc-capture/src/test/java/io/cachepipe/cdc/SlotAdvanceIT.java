package io.cachepipe.cdc;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.store.kafka.Topics;
import io.cachepipe.store.postgres.ConnectionPool;
import io.cachepipe.store.postgres.DataSources;
import io.cachepipe.testsupport.Jdbc;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The replication slot on a real PostgreSQL: it keeps moving while the captured tables are idle and
 * other tables of the same database take writes (heartbeat writes), and the slot-lag figure rises
 * while cdc-capture is away and falls back once it catches up.
 */
@WithDevStack
class SlotAdvanceIT {
    private static final ViewCatalog CATALOG = ViewsFile.parse("slot-it.yaml", """
            views:
              product:
                key: product:{id}
                params: {id: long}
                sql: SELECT id, name FROM products WHERE id = :id
                sources: [{table: products, bind: {id: id}}]
            """);
    private static final TableName HEARTBEAT_TABLE = TableName.parse(Heartbeats.DEFAULT_TABLE);

    private @Nullable Jdbc jdbc;
    private @Nullable String slot;

    @AfterEach
    void dropSlot() {
        // an inactive slot keeps its database from being dropped and the server's WAL from being recycled
        if (jdbc != null && slot != null) {
            await("slot released").ignoreExceptions().untilAsserted(() -> jdbc.queryValue(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?", slot));
        }
    }

    @Test
    void idleCapturedTables_busyOtherTables_slotConfirmsNewPositions_andHeartbeatsStayOutOfKafka(
            @TestNamespace.PerMethod TestNamespace namespace, DevStack stack) throws Exception {
        Jdbc db = prepare(namespace);
        var metrics = new SimpleMeterRegistry();
        try (var capture = new CdcCapture(postgres(namespace, stack), kafka(namespace, stack), cdc(namespace, HEARTBEAT_TABLE),
                CATALOG, metrics)) {
            capture.start();
            assertThat(capture.awaitReady(Duration.ofSeconds(60))).isTrue();
            String startedAt = confirmedFlushLsn(db);

            String busyUntil = writeUncaptured(db, 2_000);
            assertThat(lsnDiff(db, busyUntil, startedAt)).as("WAL the uncaptured writes produced").isGreaterThan(1_000_000);

            await("slot confirms a position past the uncaptured writes").atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(lsnDiff(db, confirmedFlushLsn(db), busyUntil)).isGreaterThanOrEqualTo(0));

            assertThat(db.queryValue(String.class, "SELECT slot FROM " + HEARTBEAT_TABLE)).isEqualTo(slot);
            assertThat(db.queryValue(Long.class, "SELECT count(*) FROM pg_publication_tables WHERE pubname = ? AND tablename = ?",
                    namespace.name(), HEARTBEAT_TABLE.table())).as("heartbeat table in the publication").isEqualTo(1L);
            String heartbeatTopic = new Topics(namespace.topicPrefix()).change(HEARTBEAT_TABLE);
            assertThat(metrics.find(MetricNames.CDC_EVENTS).tag("topic", heartbeatTopic).counter())
                    .as("heartbeat changes reached cdc-capture").isNotNull()
                    .satisfies(counter -> assertThat(counter.count()).isPositive());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()))) {
                assertThat(admin.listTopics().names().get()).as("heartbeats are never published")
                        .doesNotContain(heartbeatTopic)
                        .contains(new Topics(namespace.topicPrefix()).change(TableName.parse("products")));
            }
        }
    }

    /** Why the heartbeat table exists: Debezium's heartbeats alone confirm nothing new while the captured tables are idle. */
    @Test
    void withoutHeartbeatWrites_theSlotStaysBehindTheUncapturedWrites(
            @TestNamespace.PerMethod TestNamespace namespace, DevStack stack) throws Exception {
        Jdbc db = prepare(namespace);
        try (var capture = new CdcCapture(postgres(namespace, stack), kafka(namespace, stack), cdc(namespace, null), CATALOG,
                new SimpleMeterRegistry())) {
            capture.start();
            assertThat(capture.awaitReady(Duration.ofSeconds(60))).isTrue();
            String busyUntil = writeUncaptured(db, 2_000);
            // 5 heartbeat intervals, 25 offset flushes: the heartbeat test above gets there within them
            await("slot stays behind").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(lsnDiff(db, confirmedFlushLsn(db), busyUntil)).isNegative());
        }
    }

    @Test
    void slotLag_growsWhileCaptureIsStopped_andFallsBackWhenItCatchesUp(
            @TestNamespace.PerMethod TestNamespace namespace, DevStack stack) throws Exception {
        Jdbc db = prepare(namespace);
        PostgresConfig postgres = postgres(namespace, stack);
        try (ConnectionPool pool = DataSources.pool(postgres, "slot-it")) {
            var monitor = new SlotMonitor(pool, namespace.name(), new SimpleMeterRegistry());
            try (var capture = new CdcCapture(postgres, kafka(namespace, stack), cdc(namespace, HEARTBEAT_TABLE), CATALOG,
                    new SimpleMeterRegistry())) {
                capture.start();
                assertThat(capture.awaitReady(Duration.ofSeconds(60))).isTrue();
            }
            long stoppedLag = monitor.measure();
            writeCaptured(db, 2_000);
            long grownLag = monitor.measure();
            assertThat(grownLag).as("lag while nobody reads the slot").isGreaterThan(stoppedLag + 1_000_000);
            assertThat(monitor.lagMillis()).as("no consumer attached").isEqualTo(-1);

            try (var capture = new CdcCapture(postgres, kafka(namespace, stack), cdc(namespace, HEARTBEAT_TABLE), CATALOG,
                    new SimpleMeterRegistry())) {
                capture.start();
                assertThat(capture.awaitReady(Duration.ofSeconds(60))).isTrue();
                await("lag falls back once capture caught up").atMost(Duration.ofSeconds(60))
                        .untilAsserted(() -> assertThat(monitor.measure()).isLessThan(grownLag / 4));
            }
        }
    }

    private Jdbc prepare(TestNamespace namespace) {
        Jdbc db = namespace.jdbc();
        db.execute("CREATE TABLE products (id bigint PRIMARY KEY, name text)");
        db.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, note text)");
        jdbc = db;
        slot = namespace.name();
        return db;
    }

    /** About 1 KB of WAL per row, in one transaction per 100 rows; returns the position after them. */
    private static String writeUncaptured(Jdbc db, int rows) {
        for (int i = 0; i < rows; i += 100) {
            db.execute("INSERT INTO orders (note) SELECT repeat(md5(g::text), 32) FROM generate_series(1, 100) g");
        }
        return db.queryValue(String.class, "SELECT pg_current_wal_lsn()::text");
    }

    private static void writeCaptured(Jdbc db, int rows) {
        for (int i = 0; i < rows; i += 100) {
            db.execute("INSERT INTO products (id, name) SELECT g, repeat(md5(g::text), 32) FROM generate_series(" + (i + 1)
                    + ", " + (i + 100) + ") g");
        }
    }

    private String confirmedFlushLsn(Jdbc db) {
        return db.queryValue(String.class, "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?", slot);
    }

    private static long lsnDiff(Jdbc db, String a, String b) {
        return db.queryValue(Long.class, "SELECT pg_wal_lsn_diff(?::pg_lsn, ?::pg_lsn)::bigint", a, b);
    }

    private static PostgresConfig postgres(TestNamespace namespace, DevStack stack) {
        return new PostgresConfig(namespace.jdbcUrl(), stack.postgres().user(), stack.postgres().password(), 2);
    }

    private static KafkaConfig kafka(TestNamespace namespace, DevStack stack) {
        return new KafkaConfig(stack.kafka().bootstrapServers(), namespace.topicPrefix(), 1, (short) 1);
    }

    private static CdcConfig cdc(TestNamespace namespace, @Nullable TableName heartbeatTable) {
        return new CdcConfig(namespace.name(), namespace.name(), Duration.ofMillis(10), Duration.ofSeconds(1), heartbeatTable,
                Duration.ofMillis(200), CdcConfig.SnapshotMode.NO_DATA, CdcConfig.ReplicaIdentityPolicy.WARN, CdcConfig.Batching.DEFAULT, 0);
    }
}
