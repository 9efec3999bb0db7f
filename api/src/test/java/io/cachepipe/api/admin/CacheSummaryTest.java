package io.cachepipe.api.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.core.json.Json;
import io.cachepipe.store.kafka.SlotLossNotice;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The summary's score: each recommendation with the points it takes off (docs/operations.md, "What each alarm means"). */
class CacheSummaryTest {
    private static final int TARGET_PERCENT = 80;
    private static final int SLOT_ALARM_MB = 256;
    private static final long MIB = 1024 * 1024;

    private record Slot(String name, boolean active, long lagBytes, String walStatus) {
        Slot(String name, boolean active, long lagBytes) {
            this(name, active, lagBytes, "reserved");
        }

    }

    private Map<String, CacheSummary.ViewFigures> views = Map.of("product", new CacheSummary.ViewFigures(1000, 0.95));
    private boolean redisUp = true;
    private boolean redisFull;
    private List<Slot> slots = List.of(new Slot("cachepipe", true, 10_240));
    private boolean databaseUp = true;
    private PipelineProbe.@Nullable Reading reading = new PipelineProbe.Reading(Map.of("invalidator", 0L, "warmer", 3L), 0, null);
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private java.util.Optional<SlotLossNotice> slotLoss = java.util.Optional.empty();
    private final CacheSummary summary = new CacheSummary(() -> views, this::redisState, slotsDataSource(), metrics,
            TARGET_PERCENT, SLOT_ALARM_MB, pipeline(), () -> slotLoss);

    @Test
    void allWell_scores100_healthy_withOneInfoLine() {
        JsonNode body = render();
        assertThat(body.path("healthScore").asInt()).isEqualTo(100);
        assertThat(body.path("status").asText()).isEqualTo("healthy");
        assertThat(recommendations(body)).containsExactly("info: Everything looks healthy.");
    }

    @Test
    void hitRateBelowTarget_takesOffThePointsItIsShortBy() {
        views = Map.of("product", new CacheSummary.ViewFigures(600, 0.70), "category", new CacheSummary.ViewFigures(400, 0.50));
        JsonNode body = render();
        // overall (600 * 0.70 + 400 * 0.50) / 1000 = 62%: 18 points short of 80%
        assertThat(body.path("hitRate").path("total").asDouble()).isEqualTo(0.62);
        assertThat(body.path("healthScore").asInt()).isEqualTo(82);
        assertThat(body.path("status").asText()).isEqualTo("degraded");
        assertThat(recommendations(body)).anySatisfy(line -> assertThat(line).startsWith(
                "warning: Overall hit rate 62% is below the target 80%").contains("cachepipe rebuild").contains("cachepipe warm --hot"));
        assertThat(recommendations(body)).anySatisfy(line -> assertThat(line).startsWith(
                "warning: View category: hit rate 50% is below the target 80%").contains("cachepipe warm --views category --hot"));
    }

    @Test
    void aPoolAt80PercentOrWithThreadsWaiting_takesOff5_andSaysWhatToDo() {
        pool("cachepipe-api", 8, 4, 0);
        JsonNode quiet = render();
        assertThat(quiet.path("pool").path("utilisation").asDouble()).isEqualTo(0.5);
        assertThat(quiet.path("healthScore").asInt()).isEqualTo(100);

        pool("cachepipe-cdc", 2, 2, 1); // the demo's one JVM holds two pools: 6 of 10 in use, 1 waiting
        JsonNode busy = render();
        assertThat(busy.path("pool").path("size").asLong()).isEqualTo(10);
        assertThat(busy.path("pool").path("waiting").asLong()).isEqualTo(1);
        assertThat(busy.path("healthScore").asInt()).isEqualTo(95);
        assertThat(recommendations(busy)).anySatisfy(line -> assertThat(line)
                .startsWith("warning: The PostgreSQL pool is 60% in use (6 of 10 connections, 1 threads waiting)")
                .contains("postgres.pool-size").contains("docs/scaling.md"));
    }

    @Test
    void databaseLoads_areListedPerViewAndCause_andASlowP99IsPointedAt() {
        var fast = io.micrometer.core.instrument.Timer.builder("cachepipe.db.loads").tag("view", "product").tag("cause", "fill")
                .publishPercentiles(0.5, 0.95, 0.99).register(metrics);
        var slow = io.micrometer.core.instrument.Timer.builder("cachepipe.db.loads").tag("view", "category").tag("cause", "warm")
                .publishPercentiles(0.5, 0.95, 0.99).register(metrics);
        for (int i = 0; i < 200; i++) {
            fast.record(java.time.Duration.ofMillis(2));
            slow.record(java.time.Duration.ofMillis(1500));
        }
        JsonNode body = render();

        assertThat(body.path("queries").path("product").path("fill").path("count").asLong()).isEqualTo(200);
        assertThat(body.path("queries").path("category").path("warm").path("p99").asDouble()).isGreaterThan(1000);
        assertThat(body.path("healthScore").asInt()).as("a note, not a deduction").isEqualTo(100);
        assertThat(recommendations(body)).anySatisfy(line -> assertThat(line).startsWith("warning: View category: its warm loads take")
                .contains("EXPLAIN"));
    }

    @Test
    void withoutPoolGauges_thePoolIsUnknown_notAlarmed() {
        assertThat(render().path("pool").path("known").asBoolean()).isFalse();
    }

    private void pool(String name, int size, int active, int pending) {
        io.micrometer.core.instrument.Gauge.builder("hikaricp.connections.max", () -> size).tag("pool", name).register(metrics);
        io.micrometer.core.instrument.Gauge.builder("hikaricp.connections.active", () -> active).tag("pool", name).register(metrics);
        io.micrometer.core.instrument.Gauge.builder("hikaricp.connections.pending", () -> pending).tag("pool", name).register(metrics);
        io.micrometer.core.instrument.Gauge.builder("hikaricp.connections.idle", () -> size - active).tag("pool", name).register(metrics);
    }

    @Test
    void hitRateFarBelowTarget_takesOffAtMost25() {
        views = Map.of("product", new CacheSummary.ViewFigures(1000, 0.0));
        assertThat(render().path("healthScore").asInt()).isEqualTo(75);
    }

    @Test
    void hitRate_isNotJudgedOnFewerThan100Reads() {
        views = Map.of("product", new CacheSummary.ViewFigures(99, 0.0));
        assertThat(render().path("healthScore").asInt()).isEqualTo(100);
    }

    @Test
    void redisDown_takesOff40_critical() {
        redisUp = false;
        JsonNode body = render();
        assertThat(body.path("healthScore").asInt()).isEqualTo(60);
        assertThat(body.path("redis").path("available").asBoolean()).isFalse();
        assertThat(recommendations(body)).containsExactly("critical: Redis is unreachable: every read goes to PostgreSQL. "
                + "Check Redis and the network; reads recover on their own once the circuit breaker's probe succeeds.");
    }

    @Test
    void redisFull_takesOff25_critical_andSaysWhatStillWorks() {
        redisFull = true;
        JsonNode body = render();
        assertThat(body.path("healthScore").asInt()).isEqualTo(75);
        assertThat(body.path("redis").path("available").asBoolean()).isTrue();
        assertThat(body.path("redis").path("full").asBoolean()).isTrue();
        assertThat(recommendations(body)).singleElement().asString().startsWith("critical: Redis is out of memory (maxmemory under noeviction)")
                .contains("the pipeline still takes changed ones away").contains("Raise maxmemory");
    }

    private CacheSummary.RedisState redisState() {
        return !redisUp ? CacheSummary.RedisState.UNREACHABLE : redisFull ? CacheSummary.RedisState.FULL : CacheSummary.RedisState.AVAILABLE;
    }

    @Test
    void databaseDown_takesOff30_critical() {
        databaseUp = false;
        JsonNode body = render();
        assertThat(body.path("healthScore").asInt()).isEqualTo(70);
        assertThat(body.path("database").path("available").asBoolean()).isFalse();
        assertThat(recommendations(body)).singleElement().satisfies(line -> assertThat(line)
                .startsWith("critical: PostgreSQL cannot be read (connection refused)").contains("postgres.url"));
    }

    @Test
    void slotInvalidated_takesOff30_andSaysTheChangesAreLost() {
        slots = List.of(new Slot("cachepipe", false, 10_240, "lost"));
        JsonNode body = render();
        assertThat(body.path("healthScore").asInt()).isEqualTo(70);
        assertThat(body.path("replicationSlots").get(0).path("invalidated").asBoolean()).isTrue();
        assertThat(recommendations(body)).singleElement().satisfies(line -> assertThat(line)
                .startsWith("critical: Replication slot cachepipe was invalidated by PostgreSQL")
                .contains("max_slot_wal_keep_size").contains("CachepipeReplicationSlotLost"));
    }

    @Test
    void aSlotLossOnRecord_takesOff30_andSaysWhatWasLostAndDone() {
        slotLoss = java.util.Optional.of(new SlotLossNotice("cachepipe", "replication slot cachepipe is gone (dropped)", "0/16B3748",
                "0/3000060", java.time.Instant.parse("2026-12-05T22:00:00Z")));
        JsonNode body = render();
        assertThat(body.path("healthScore").asInt()).isEqualTo(70);
        assertThat(body.path("slotLoss").path("resumedAt").asText()).isEqualTo("0/3000060");
        assertThat(recommendations(body)).singleElement().satisfies(line -> assertThat(line)
                .startsWith("critical: Changes were lost at 2026-12-05T22:00:00Z: replication slot cachepipe is gone (dropped)")
                .contains("dropped every cached value").contains("CachepipeReplicationSlotLost"));
    }

    @Test
    void slotInactive_takesOff20_andSaysHowToDropIt() {
        slots = List.of(new Slot("old_deployment", false, 10_240));
        JsonNode body = render();
        assertThat(body.path("healthScore").asInt()).isEqualTo(80);
        assertThat(recommendations(body)).singleElement().satisfies(line -> assertThat(line)
                .startsWith("critical: Replication slot old_deployment is inactive")
                .contains("SELECT pg_drop_replication_slot('old_deployment')"));
    }

    @Test
    void slotLagAboveTheAlarm_takesOff15() {
        slots = List.of(new Slot("cachepipe", true, 300 * MIB));
        JsonNode body = render();
        assertThat(body.path("healthScore").asInt()).isEqualTo(85);
        assertThat(recommendations(body)).containsExactly("warning: Replication slot cachepipe retains 300 MiB of WAL (alarm at "
                + "256 MiB): cdc-capture or Kafka is behind. Check cdc-capture's log and Kafka's health before the disk fills.");
    }

    @Test
    void slotLagGrowingOverFourReadings_takesOff10_andFallingClearsIt() {
        for (long lag : new long[] {1 * MIB, 2 * MIB, 3 * MIB}) {
            slots = List.of(new Slot("cachepipe", true, lag));
            assertThat(render().path("healthScore").asInt()).as("fewer than four readings").isEqualTo(100);
        }
        slots = List.of(new Slot("cachepipe", true, 4 * MIB));
        JsonNode growing = render();
        assertThat(growing.path("healthScore").asInt()).isEqualTo(90);
        assertThat(growing.path("replicationSlots").get(0).path("growing").asBoolean()).isTrue();
        assertThat(recommendations(growing)).singleElement().satisfies(line -> assertThat(line)
                .startsWith("warning: Replication slot cachepipe lag has grown"));

        slots = List.of(new Slot("cachepipe", true, 1 * MIB));
        assertThat(render().path("healthScore").asInt()).isEqualTo(100);
    }

    @Test
    void eachStageMoreThan1000RecordsBehind_takesOff10() {
        reading = new PipelineProbe.Reading(Map.of("invalidator", 1001L, "warmer", 5000L), 0, null);
        JsonNode body = render();
        assertThat(body.path("healthScore").asInt()).isEqualTo(80);
        assertThat(recommendations(body)).containsExactlyInAnyOrder(
                "warning: The invalidator is 1001 records behind: the cache trails the database. Check that it runs "
                        + "(cachepipe stats), then add instances or partitions.",
                "warning: The warmer is 5000 records behind: the cache trails the database. Check that it runs "
                        + "(cachepipe stats), then add instances or partitions.");

        reading = new PipelineProbe.Reading(Map.of("invalidator", 1000L), 0, null);
        assertThat(render().path("healthScore").asInt()).as("1000 is not more than 1000").isEqualTo(100);
    }

    @Test
    void deadLettersWaiting_takeOff10_andSayToReplay() {
        reading = new PipelineProbe.Reading(Map.of("invalidator", 0L), 3, null);
        JsonNode body = render();
        assertThat(body.path("healthScore").asInt()).isEqualTo(90);
        assertThat(body.path("pipeline").path("deadLetters").asLong()).isEqualTo(3);
        assertThat(recommendations(body)).singleElement().satisfies(line -> assertThat(line)
                .startsWith("warning: 3 records wait in the dead-letter topic").contains("cachepipe replay --from <time>"));
    }

    @Test
    void kafkaUnreadable_takesOff10_andThePipelineFiguresAreUnknown() {
        reading = new PipelineProbe.Reading(Map.of(), -1, "Timed out waiting for a node assignment");
        JsonNode body = render();
        assertThat(body.path("healthScore").asInt()).isEqualTo(90);
        assertThat(body.path("pipeline").path("known").asBoolean()).isFalse();
        assertThat(recommendations(body)).containsExactly(
                "warning: Kafka cannot be read (Timed out waiting for a node assignment): lag and dead letters are unknown.");
    }

    @Test
    void withoutKafkaSettings_thePipelineIsUnknown_withoutDeduction() {
        var withoutKafka = new CacheSummary(() -> views, this::redisState, slotsDataSource(), new SimpleMeterRegistry(),
                TARGET_PERCENT, SLOT_ALARM_MB, null);
        ObjectNode body = withoutKafka.render(Json.mapper());
        assertThat(body.path("healthScore").asInt()).isEqualTo(100);
        assertThat(body.path("pipeline").path("known").asBoolean()).isFalse();
        assertThat(body.path("pipeline").path("reason").asText()).contains("kafka.bootstrap");
    }

    @Test
    void deductionsAddUp_andTheScoreStopsAtZero() {
        redisUp = false;
        databaseUp = false;
        views = Map.of("product", new CacheSummary.ViewFigures(1000, 0.0));
        reading = new PipelineProbe.Reading(Map.of("invalidator", 5000L), 2, null);
        JsonNode body = render();
        // 40 + 30 + 25 + 10 + 10 = 115
        assertThat(body.path("healthScore").asInt()).isZero();
        assertThat(body.path("status").asText()).isEqualTo("unhealthy");
        assertThat(recommendations(body)).hasSize(6);
    }

    private JsonNode render() {
        return summary.render(Json.mapper());
    }

    private static List<String> recommendations(JsonNode body) {
        List<String> out = new ArrayList<>();
        body.path("recommendations").forEach(node -> out.add(node.path("severity").asText() + ": " + node.path("message").asText()));
        return out;
    }

    private Supplier<PipelineProbe.Reading> pipeline() {
        return () -> reading;
    }

    /** pg_replication_slots as the fields say, or a connection failure while the database is down. */
    private DataSource slotsDataSource() {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("getConnection")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    if (!databaseUp) {
                        throw new SQLException("connection refused");
                    }
                    return connection();
                });
    }

    private Connection connection() {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "createStatement" -> statement();
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private Statement statement() {
        return (Statement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Statement.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "executeQuery" -> rows(slots.iterator());
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private ResultSet rows(Iterator<Slot> remaining) {
        Slot[] current = new Slot[1];
        return (ResultSet) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ResultSet.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "next" -> {
                        current[0] = remaining.hasNext() ? remaining.next() : null;
                        yield current[0] != null;
                    }
                    case "getString" -> (int) args[0] == 4 ? current[0].walStatus() : current[0].name();
                    case "getBoolean" -> current[0].active();
                    case "getLong" -> current[0].lagBytes();
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
