package io.cachepipe.invalidator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.ChangeEnvelopes;
import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.TableName;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.view.CacheTarget;
import io.cachepipe.core.view.ChangeMapper;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.store.kafka.SchemaChangeNotice;
import io.cachepipe.store.kafka.SlotLossNotice;
import io.cachepipe.store.kafka.Watermarks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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

/** Drives the very topology {@link Invalidator} runs, with recording {@link ChangeEffects} in place of Redis. */
class InvalidationTopologyTest {
    private final ViewCatalog catalog = TestCatalog.CATALOG;
    private final List<List<CacheTarget>> applied = new ArrayList<>();
    private final List<Version> versions = new ArrayList<>();
    private final List<Watermarks.Watermark> watermarks = new ArrayList<>();
    private final List<SlotLossNotice> slotLosses = new ArrayList<>();
    private final List<SchemaChangeNotice> schemaChanges = new ArrayList<>();
    private final List<String> passed = new ArrayList<>();
    private final List<RecordSource> sources = new ArrayList<>();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> products;
    private TestInputTopic<byte[], byte[]> orders;
    private TestInputTopic<byte[], byte[]> watermarkTopic;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    /** Records what the topology hands over, in place of Redis. */
    private final ChangeEffects recording = new ChangeEffects() {
        @Override
        public void submit(ChangeEvent event, List<CacheTarget> targets, RecordSource source) {
            applied.add(targets);
            versions.add(event.version());
            sources.add(source);
        }

        @Override
        public void passed(String topic, int partition, long offset) {
            passed.add(topic + "-" + partition + "@" + offset);
        }

        @Override
        public void watermark(Watermarks.Watermark watermark) {
            watermarks.add(watermark);
        }

        @Override
        public void awaitApplied() {
        }
    };

    @BeforeEach
    void startDriver() {
        var json = Json.mapper();
        var topology = InvalidationTopology.build(List.of("cp.public.products", "cp.public.orders"), "cp.watermarks", "cp.dead-letter",
                new ChangeEnvelopes(json), new ChangeMapper(catalog), recording, slotLosses::add, schemaChanges::add, metrics);
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(topology, props);
        products = driver.createInputTopic("cp.public.products", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
        orders = driver.createInputTopic("cp.public.orders", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
        watermarkTopic = driver.createInputTopic("cp.watermarks", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
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
    void moveToOtherCategory_invalidatesTheRowAndBothListings_atTheChangesVersion() {
        products.pipeInput(key(1), change("products", "u", "{\"id\":1,\"category_id\":3}", "{\"id\":1,\"category_id\":7}"));

        assertThat(invalidated()).containsExactlyInAnyOrder("key product {id=1}", "group category-products {category_id=3}",
                "group category-products {category_id=7}");
        assertThat(versions).containsExactly(new Version(900));
        assertThat(sources.getFirst().topic()).isEqualTo("cp.public.products");
        assertThat(sources.getFirst().key()).isEqualTo(key(1));
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
        assertThat(applied).as("the next record is handed over").hasSize(1);
    }

    @Test
    void aWatermarkFromItsTopic_isHandedOverWithItsEndOffsets_andAnythingElseThereIsDeadLettered() {
        var watermark = new Watermarks.Watermark(new Version(0xABC), java.util.Map.of("cp.public.products:0", 12L));
        watermarkTopic.pipeInput("watermark".getBytes(StandardCharsets.UTF_8), Watermarks.encode(Json.mapper(), watermark));
        watermarkTopic.pipeInput("watermark".getBytes(StandardCharsets.UTF_8), "{\"watermark\":\"zz\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(watermarks).containsExactly(watermark);
        assertThat(applied).isEmpty();
        assertThat(new String(deadLetters.readRecord().headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                .startsWith("neither a watermark nor a slot loss or schema change notice");
    }

    @Test
    void aSlotLossNoticeOnTheWatermarkTopic_goesToItsHandler_notToTheWatermarks() {
        var notice = new SlotLossNotice("cachepipe", "slot dropped", "0/16B3748", "0/2000000", java.time.Instant.ofEpochMilli(1_000));
        watermarkTopic.pipeInput(SlotLossNotice.KEY, notice.encode(Json.mapper()));

        assertThat(slotLosses).containsExactly(notice);
        assertThat(watermarks).isEmpty();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void aSchemaChangeNoticeOnTheWatermarkTopic_goesToItsHandler_notToTheWatermarks() {
        var notice = new SchemaChangeNotice(new TableName("public", "products"), new Version(0xABCDEF));
        watermarkTopic.pipeInput(SchemaChangeNotice.KEY, notice.encode(Json.mapper()));

        assertThat(schemaChanges).containsExactly(notice);
        assertThat(slotLosses).isEmpty();
        assertThat(watermarks).isEmpty();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void aWatermarkCopyInAChangeTopic_writtenByAnEarlierBuild_isPassed_notAChange() {
        var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add("cachepipe.watermark", new Version(0xABC).hex().getBytes(StandardCharsets.UTF_8));
        products.pipeInput(new TestRecord<>("{\"__cachepipe_watermark\":0}".getBytes(StandardCharsets.UTF_8),
                "{\"watermark\":\"0000000000000abc\"}".getBytes(StandardCharsets.UTF_8), headers, 0L));

        assertThat(passed).containsExactly("cp.public.products-0@0");
        assertThat(applied).isEmpty();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void deleteTombstonesAreSkipped_andChangesOfTablesWithoutViewsTouchNothing() {
        products.pipeInput(key(1), (byte[]) null);
        orders.pipeInput(key(1), change("orders", "c", "null", "{\"id\":1}"));

        assertThat(applied).as("only the orders change, with no target").containsExactly(List.of());
        assertThat(passed).as("the tombstone's offset is passed with the changes").containsExactly("cp.public.products-0@0");
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

    private List<CacheTarget.Key> keyTargets() {
        return applied.getFirst().stream().filter(CacheTarget.Key.class::isInstance).map(CacheTarget.Key.class::cast).toList();
    }

    @Test
    void insert_invalidatesTheNewRowsKeyAndItsListingGroup() {
        products.pipeInput(key(5), change("products", "c", "null", "{\"id\":5,\"category_id\":3}"));

        assertThat(invalidated()).containsExactlyInAnyOrder("key product {id=5}", "group category-products {category_id=3}");
    }

    /**
     * cachepipe resnapshot: Debezium's incremental snapshot re-reads a table's rows as read events on its
     * change topic, each under the streaming position it was emitted at (in source.sequence; source.lsn is
     * null, which was dead-lettered as malformed before). Each is a change like an insert:
     * the row's keys are invalidated (or rewritten) at that version and may be re-warmed, so a value that
     * missed a change is replaced, while one a later change wrote stays.
     */
    @Test
    void incrementalSnapshotRead_invalidatesTheRowsKeyAndItsListingGroup_atTheStreamsVersion() {
        products.pipeInput(key(5), """
                {"before":null,"after":{"id":5,"category_id":3},"source":{"ts_ms":1700000000000,"snapshot":"incremental",
                 "schema":"public","table":"products","lsn":null,"sequence":"[\\"800\\",\\"800\\"]"},"op":"r"}"""
                .getBytes(StandardCharsets.UTF_8));

        assertThat(invalidated()).containsExactlyInAnyOrder("key product {id=5}", "group category-products {category_id=3}");
        assertThat(keyTargets()).allMatch(CacheTarget.Key::warm);
        assertThat(versions).containsExactly(new Version(799));
        assertThat(deadLetters.isEmpty()).as("no source.lsn: Debezium names the position in source.sequence only").isTrue();
    }

    @Test
    void updateThatChangesThePrimaryKey_invalidatesTheOldAndTheNewRowsKeys() {
        products.pipeInput(key(6), change("products", "u", "{\"id\":5,\"category_id\":3}", "{\"id\":6,\"category_id\":3}"));

        assertThat(invalidated()).containsExactlyInAnyOrder("key product {id=5}", "key product {id=6}",
                "group category-products {category_id=3}");
        assertThat(keyTargets()).as("both may be re-warmed").allMatch(CacheTarget.Key::warm);
    }

    @Test
    void delete_invalidatesThroughTheBeforeImage_andDoesNotRewarmTheDeletedRow() {
        products.pipeInput(key(5), change("products", "d", "{\"id\":5,\"category_id\":3}", "null"));

        assertThat(invalidated()).containsExactlyInAnyOrder("key product {id=5}", "group category-products {category_id=3}");
        assertThat(keyTargets()).as("a re-warm could only load 'not found'").noneMatch(CacheTarget.Key::warm);
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
