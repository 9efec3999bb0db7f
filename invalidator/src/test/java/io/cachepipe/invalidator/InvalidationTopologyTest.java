package io.cachepipe.invalidator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.ChangeEnvelopes;
import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.kafka.Topic;
import io.cachepipe.core.kafka.WarmRequest;
import io.cachepipe.core.kafka.WarmRequestSerde;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.CacheTarget;
import io.cachepipe.core.view.ChangeMapper;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewsFile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drives the very topology {@link Invalidator} runs, with a recording invalidation in place of Redis. */
class InvalidationTopologyTest {
    private static final String VIEWS = """
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
            """;

    private final ViewCatalog catalog = ViewsFile.parse("test.yaml", VIEWS);
    private final KeySpace keys = new KeySpace("cp:", catalog);
    private final List<List<CacheTarget>> applied = new ArrayList<>();
    private final List<Version> versions = new ArrayList<>();
    private final List<String> watermarks = new ArrayList<>();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> products;
    private TestInputTopic<byte[], byte[]> orders;
    private TestOutputTopic<String, WarmRequest> warm;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    /** Answers every exact key the mapper allows as "was cached, re-warm it", and every group as one cached page 1. */
    private List<CacheKey> recordAndAnswer(ChangeEvent event, List<CacheTarget> targets) {
        applied.add(targets);
        versions.add(event.version());
        List<CacheKey> toWarm = new ArrayList<>();
        for (CacheTarget target : targets) {
            switch (target) {
                case CacheTarget.Key key -> {
                    if (key.warm()) {
                        toWarm.add(keys.key(key.view(), key.params()));
                    }
                }
                case CacheTarget.Group group -> toWarm.add(keys.key(group.view(), Map.of("category_id", group.bound().get("category_id"), "page", 1)));
                case CacheTarget.WholeView whole -> { }
            }
        }
        return toWarm;
    }

    @BeforeEach
    void startDriver() {
        startDriver(Duration.ZERO);
    }

    private final java.util.concurrent.atomic.AtomicLong held = new java.util.concurrent.atomic.AtomicLong();

    private void startDriver(Duration coalesceWindow) {
        if (driver != null) {
            driver.close();
        }
        var json = Json.mapper();
        var topology = InvalidationTopology.build(List.of("cp.public.products", "cp.public.orders"),
                new Topic<>("cp.warm", Serdes.String(), new WarmRequestSerde(json)), "cp.dead-letter",
                new ChangeEnvelopes(json), new ChangeMapper(catalog), new Invalidation() {
                    @Override
                    public List<CacheKey> apply(ChangeEvent event, List<CacheTarget> targets) {
                        return recordAndAnswer(event, targets);
                    }

                    @Override
                    public void applied(String topic, int partition, Version watermark, int fanout) {
                        watermarks.add(topic + "-" + partition + "@" + watermark.hex() + "/" + fanout);
                    }
                }, coalesceWindow, held, metrics, Clock.systemUTC());
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(topology, props);
        products = driver.createInputTopic("cp.public.products", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
        orders = driver.createInputTopic("cp.public.orders", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
        warm = driver.createOutputTopic("cp.warm", Serdes.String().deserializer(), new WarmRequestSerde(json).deserializer());
        deadLetters = driver.createOutputTopic("cp.dead-letter", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    private static byte[] change(String table, String op, String before, String after) {
        return change(table, op, before, after, 900);
    }

    private static byte[] change(String table, String op, String before, String after, long version) {
        return """
                {"before":%s,"after":%s,"source":{"ts_ms":1700000000000,"schema":"public","table":"%s","lsn":500,
                 "sequence":"[\\"%d\\",\\"500\\"]"},"op":"%s"}""".formatted(before, after, table, version, op)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] key(long id) {
        return ("{\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void moveToOtherCategory_invalidatesBothListings_andAsksToRewarmWhatWasCached() {
        products.pipeInput(key(1), change("products", "u", "{\"id\":1,\"category_id\":3}", "{\"id\":1,\"category_id\":7}"));

        assertThat(applied).hasSize(1);
        assertThat(applied.getFirst()).extracting(Object::toString).hasSize(3);
        assertThat(versions).containsExactly(new Version(900));
        List<TestRecord<String, WarmRequest>> requests = warm.readRecordsToList();
        assertThat(requests).extracting(TestRecord::key).containsExactly(
                "cp:product:1", "cp:{category:3}:products:page:1", "cp:{category:7}:products:page:1");
        assertThat(requests.getFirst().value()).isEqualTo(new WarmRequest("product", Map.of("id", 1L), new Version(900), 1700000000000L));
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void malformedRecord_goesToTheDeadLetterTopicWithItsReason_andThePipelineGoesOn() {
        products.pipeInput(key(1), "{not json".getBytes(StandardCharsets.UTF_8));
        products.pipeInput(key(2), change("products", "c", "null", "{\"id\":2,\"category_id\":3}"));

        TestRecord<byte[], byte[]> letter = deadLetters.readRecord();
        assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        Header reason = letter.headers().lastHeader(DeadLetters.REASON);
        assertThat(new String(reason.value(), StandardCharsets.UTF_8)).startsWith("record value is not JSON");
        assertThat(new String(letter.headers().lastHeader(DeadLetters.SOURCE_TOPIC).value(), StandardCharsets.UTF_8))
                .isEqualTo("cp.public.products");
        assertThat(applied).hasSize(1);
        assertThat(warm.readKeyValuesToList()).isNotEmpty();
    }

    @Test
    void aHotKeyChangedManyTimesInOneWindow_isWarmedOnce_atTheNewestVersion() {
        startDriver(Duration.ofMillis(50));
        for (int i = 1; i <= 100; i++) {
            products.pipeInput(key(1), change("products", "u", "{\"id\":1,\"category_id\":null}",
                    "{\"id\":1,\"category_id\":null}", 1000 + i));
        }
        assertThat(applied).as("every change is still invalidated at once").hasSize(100);
        assertThat(warm.isEmpty()).as("held until the window ends").isTrue();
        assertThat(held.get()).as("one key held").isEqualTo(1);

        driver.advanceWallClockTime(Duration.ofMillis(50));

        List<TestRecord<String, WarmRequest>> requests = warm.readRecordsToList();
        assertThat(requests).hasSize(1);
        assertThat(requests.getFirst().value().version()).isEqualTo(new Version(1100));
        assertThat(held.get()).as("nothing held after the window").isZero();
        assertThat(metrics.get(io.cachepipe.core.metrics.MetricNames.WARM_REQUESTS).tag("stage", "sent").counter().count())
                .isEqualTo(1);
        assertThat(metrics.get(io.cachepipe.core.metrics.MetricNames.WARM_REQUESTS).tag("stage", "received").counter().count())
                .isEqualTo(100);
        assertThat(metrics.get(io.cachepipe.core.metrics.MetricNames.WARM_RELOAD_RATIO).gauge().value())
                .as("reloads per change").isEqualTo(0.01);

        products.pipeInput(key(2), change("products", "u", "{\"id\":2,\"category_id\":null}", "{\"id\":2,\"category_id\":null}", 1200));
        driver.advanceWallClockTime(Duration.ofMillis(50));
        assertThat(warm.readRecordsToList()).hasSize(1);
        assertThat(metrics.get(io.cachepipe.core.metrics.MetricNames.WARM_RELOAD_RATIO).gauge().value())
                .as("2 reloads for 101 changes").isEqualTo(2 / 101.0);
    }

    @Test
    void withoutCoalescing_thereIsNoReloadRatio_everyChangeIsAReload() {
        products.pipeInput(key(1), change("products", "u", "{\"id\":1,\"category_id\":null}", "{\"id\":1,\"category_id\":null}"));
        assertThat(warm.readRecordsToList()).hasSize(1);
        assertThat(metrics.find(io.cachepipe.core.metrics.MetricNames.WARM_RELOAD_RATIO).gauge()).isNull();
    }

    @Test
    void aWatermarkRecordsItsPartitionsAppliedPosition_andIsNotAChange() {
        var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add(io.cachepipe.core.change.Watermarks.HEADER, new Version(0xABC).hex().getBytes(StandardCharsets.UTF_8));
        headers.add(io.cachepipe.core.change.Watermarks.FANOUT_HEADER, "6".getBytes(StandardCharsets.UTF_8));
        products.pipeInput(new TestRecord<>(io.cachepipe.core.change.Watermarks.key(0),
                "{\"watermark\":\"0000000000000abc\"}".getBytes(StandardCharsets.UTF_8), headers, 0L));

        assertThat(watermarks).containsExactly("cp.public.products-0@0000000000000abc/6");
        assertThat(applied).isEmpty();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void deleteTombstonesAndTablesWithoutViews_doNothing() {
        products.pipeInput(key(1), (byte[]) null);
        orders.pipeInput(key(1), change("orders", "c", "null", "{\"id\":1}"));

        assertThat(applied).isEmpty();
        assertThat(warm.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    /** What one change invalidated, as readable lines: "key product {id=1}", "group category-products {category_id=3}", "view X". */
    private List<String> invalidated() {
        assertThat(applied).hasSize(1);
        return applied.getFirst().stream().map(target -> switch (target) {
            case CacheTarget.Key key -> "key " + key.view().name() + " " + new java.util.TreeMap<>(key.params());
            case CacheTarget.Group group -> "group " + group.view().name() + " " + new java.util.TreeMap<>(group.bound());
            case CacheTarget.WholeView whole -> "view " + whole.view().name();
        }).toList();
    }

    @Test
    void insert_invalidatesTheNewRowsKeyAndItsListingGroup() {
        products.pipeInput(key(5), change("products", "c", "null", "{\"id\":5,\"category_id\":3}"));

        assertThat(invalidated()).containsExactlyInAnyOrder("key product {id=5}", "group category-products {category_id=3}");
    }

    @Test
    void updateThatChangesThePrimaryKey_invalidatesTheOldAndTheNewRowsKeys() {
        products.pipeInput(key(6), change("products", "u", "{\"id\":5,\"category_id\":3}", "{\"id\":6,\"category_id\":3}"));

        assertThat(invalidated()).containsExactlyInAnyOrder("key product {id=5}", "key product {id=6}",
                "group category-products {category_id=3}");
        assertThat(warm.readRecordsToList()).extracting(TestRecord::key).contains("cp:product:6");
    }

    @Test
    void delete_invalidatesThroughTheBeforeImage_andDoesNotRewarmTheDeletedRow() {
        products.pipeInput(key(5), change("products", "d", "{\"id\":5,\"category_id\":3}", "null"));

        assertThat(invalidated()).containsExactlyInAnyOrder("key product {id=5}", "group category-products {category_id=3}");
        assertThat(warm.readRecordsToList()).extracting(TestRecord::key).doesNotContain("cp:product:5");
    }

    @Test
    void toastPlaceholder_takesTheBeforeImagesValue_orWidensWhenThereIsNone() {
        String placeholder = "\"" + ChangeEvent.UNAVAILABLE_VALUE + "\"";
        products.pipeInput(key(5), change("products", "u", "{\"id\":5,\"category_id\":3}", "{\"id\":5,\"category_id\":" + placeholder + "}"));
        assertThat(invalidated()).containsExactlyInAnyOrder("key product {id=5}", "group category-products {category_id=3}");
        assertThat(metrics.find(io.cachepipe.core.metrics.MetricNames.INVALIDATOR_WIDENED).counters())
                .as("the before image named the group: nothing widened").isEmpty();

        applied.clear();
        products.pipeInput(key(5), change("products", "u", "{\"id\":5,\"category_id\":" + placeholder + "}",
                "{\"id\":5,\"category_id\":" + placeholder + "}"));
        assertThat(invalidated()).containsExactlyInAnyOrder("key product {id=5}", "view category-products");
        assertThat(metrics.get(io.cachepipe.core.metrics.MetricNames.INVALIDATOR_WIDENED).tag("view", "category-products")
                .counter().count()).as("the widening is counted for the listing view").isEqualTo(1);
        assertThat(metrics.find(io.cachepipe.core.metrics.MetricNames.INVALIDATOR_WIDENED).tag("view", "product").counters())
                .as("the row view was named by key").isEmpty();
    }

    @Test
    void missingBeforeImage_widensToTheWholeListingView_andCountsIt() {
        products.pipeInput(key(5), change("products", "u", "null", "{\"id\":5,\"category_id\":3}"));

        assertThat(invalidated()).containsExactlyInAnyOrder("key product {id=5}", "view category-products");
        assertThat(metrics.find(io.cachepipe.core.metrics.MetricNames.INVALIDATOR_WIDENED).counters())
                .as("the widening is counted").isNotEmpty()
                .allSatisfy(counter -> assertThat(counter.count()).isEqualTo(1));
    }
}
