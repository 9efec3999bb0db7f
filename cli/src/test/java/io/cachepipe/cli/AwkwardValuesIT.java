package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.ChangeEnvelopes;
import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.ChangeOp;
import io.cachepipe.core.change.TableName;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.render.PlainRowView;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.invalidator.DeadLetters;
import io.cachepipe.ops.audit.AuditReport;
import io.cachepipe.ops.audit.CacheAudit;
import io.cachepipe.ops.rebuild.FillMode;
import io.cachepipe.ops.rebuild.RebuildReport;
import io.cachepipe.ops.rebuild.Rebuilder;
import io.cachepipe.store.kafka.Topics;
import io.cachepipe.store.postgres.LoadTimer;
import io.cachepipe.store.postgres.ViewLoader;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.RedisConnector;
import io.cachepipe.testsupport.KafkaTopics;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import io.micrometer.core.instrument.Counter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Every awkward but legal PostgreSQL value on the whole pipeline: one row per value class, captured
 * once by the initial snapshot (it existed before capture started) and once more by streaming (a copy
 * inserted after), and two views over the table: {@code awkward-row}, a plain row view the invalidator
 * and the rebuild render from row images, and {@code awkward-all}, with the types row images do not
 * carry exactly (dates, arrays, bytea, interval, enum, bit), which is loaded from the database.
 *
 * <p>Per class: the API answers 200 (never 5xx) with what the database renders; Debezium's form of the
 * value is the one {@link PlainRowView} maps; every row image, of the snapshot, of the insert and of an
 * update, renders byte for byte as the database does or is refused, and each refusal counts in
 * {@value MetricNames#ROW_IMAGE_FALLBACKS}. Then a rebuild and an audit agree with the database on every
 * key, and a change Redis refuses goes to the dead-letter topic with its reason while later changes flow.
 */
@WithDevStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AwkwardValuesIT {
    /** Rows of the snapshot have ids 1.., their streamed copies this much more. */
    private static final long STREAMED = 100;
    private static final String TOAST = "'" + "0123456789abcdef".repeat(300) + "'";

    /**
     * One class of awkward value: the column holding it, the SQL literal, and Debezium's form of it in
     * the after image (JSON, as {@code JsonNode.toString()}), or null where no view renders that column
     * from row images.
     */
    record Awkward(long id, String name, String column, String literal, @Nullable String debezium) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Awkward> classes() {
        return List.of(
                new Awkward(1, "float8 negative zero", "f8", "'-0'", "-0.0"),
                new Awkward(2, "float8 NaN", "f8", "'NaN'", "\"NaN\""),
                new Awkward(3, "float8 Infinity", "f8", "'Infinity'", "\"Infinity\""),
                new Awkward(4, "float8 -Infinity", "f8", "'-Infinity'", "\"-Infinity\""),
                new Awkward(5, "float8 smallest subnormal", "f8", "'5e-324'", "4.9E-324"),
                new Awkward(6, "numeric NaN", "num", "'NaN'", "\"NAN\""),
                new Awkward(7, "numeric Infinity", "num", "'Infinity'", "\"POSITIVE_INFINITY\""),
                new Awkward(8, "numeric -Infinity", "num", "'-Infinity'", "\"NEGATIVE_INFINITY\""),
                new Awkward(9, "numeric large scale", "num", "'123456789012345678901234567890.123456789012345678901234567890'",
                        "\"123456789012345678901234567890.123456789012345678901234567890\""),
                new Awkward(10, "numeric tiny", "num", "'0.000000000000000000000000000001'", "\"0.000000000000000000000000000001\""),
                new Awkward(11, "timestamptz infinity", "tstz", "'infinity'", "\"infinity\""),
                new Awkward(12, "timestamptz -infinity", "tstz", "'-infinity'", "\"-infinity\""),
                new Awkward(13, "timestamptz BC", "tstz", "'0044-03-15 12:00:00+00 BC'", "\"-0043-03-15T12:00:00.000000Z\""),
                new Awkward(14, "date infinity", "d", "'infinity'", null),
                new Awkward(15, "date -infinity", "d", "'-infinity'", null),
                new Awkward(16, "date BC", "d", "'0044-03-15 BC'", null),
                new Awkward(17, "jsonb", "js", "'{\"b\": null, \"a\": [1, 2.50, \"x\"], \"é\": 1e3}'",
                        "\"{\\\"a\\\": [1, 2.50, \\\"x\\\"], \\\"b\\\": null, \\\"é\\\": 1000}\""),
                new Awkward(18, "int[] with null", "ia", "'{1,NULL,3}'", null),
                new Awkward(19, "text[] with quotes", "ta", "'{\"a b\",\"c,d\",NULL}'", null),
                new Awkward(20, "bytea", "b", "'\\x00ff10'", null),
                new Awkward(21, "interval", "iv", "'1 year 2 mons -3 days 04:05:06.789'", null),
                new Awkward(22, "enum", "m", "'happy'", null),
                new Awkward(23, "bit(4)", "bits", "B'0101'", null),
                new Awkward(24, "TOASTed text", "big", TOAST, "\"" + TOAST.substring(1, TOAST.length() - 1) + "\""),
                new Awkward(25, "text with controls and astral", "big", "E'a\\nb\\u0001 é 😀'", "\"a\\nb\\u0001 é 😀\""),
                // Debezium puts a column's constant DEFAULT into its schema, and Kafka's JsonConverter wrote that default for a null
                new Awkward(26, "NULL in a column with a DEFAULT", "dflt", "NULL", "null"),
                new Awkward(27, "json kept as written (spacing, a key twice)", "jx", "'{\"b\": 1,  \"a\" : [2, 2.50], \"b\": 3}'", null));
    }

    /** The views below: each key of each is read, compared, rebuilt and audited. */
    private static final List<String> VIEW_NAMES = List.of("awkward-row", "awkward-gen", "awkward-all");
    private static final String VIEWS = """
            views:
              awkward-row:
                key: awkward:{id}
                params: {id: {type: long, min: 1}}
                sql: SELECT id, kind, touch, f8, num, tstz, js, big, dflt, jx FROM awkward WHERE id = :id
                result: row
                ttl: 1h
                sources: [{table: public.awkward, bind: {id: id}}]
              awkward-gen:
                key: awkward-gen:{id}
                params: {id: {type: long, min: 1}}
                sql: SELECT id, touch, gen FROM awkward WHERE id = :id
                result: row
                ttl: 1h
                sources: [{table: public.awkward, bind: {id: id}}]
              awkward-all:
                key: awkward-all:{id}
                params: {id: {type: long, min: 1}}
                sql: SELECT id, kind, touch, f8, num, tstz, js, big, dflt, d, ia, ta, b, iv, m, bits, jx FROM awkward WHERE id = :id
                result: row
                ttl: 1h
                sources: [{table: public.awkward, bind: {id: id}}]
              parted-row:
                key: parted:{id}
                params: {id: {type: long, min: 1}}
                sql: SELECT id, region, price FROM parted WHERE id = :id
                result: row
                ttl: 1h
                sources: [{table: public.parted, bind: {id: id}}]
              line-row:
                key: line:{id}
                params: {id: {type: long, min: 1}}
                sql: SELECT "Id" AS id, "Qty" AS qty, "Price" FROM "Sales"."Order Lines" WHERE "Id" = :id
                result: row
                ttl: 1h
                sources: [{table: '"Sales"."Order Lines"', bind: {id: '"Id"'}}]
              line-by-code:
                key: line-code:{code}
                params: {code: char}
                sql: SELECT "Id" AS id, "Qty" AS qty FROM "Sales"."Order Lines" WHERE "Code" = :code
                result: row
                ttl: 1h
                sources: [{table: '"Sales"."Order Lines"', bind: {code: '"Code"'}}]
              lines-at-price:
                key: line-price:{price}
                params: {price: decimal}
                sql: SELECT count(*) AS lines FROM "Sales"."Order Lines" WHERE "Price" = :price
                result: row
                ttl: 1h
                sources: [{table: '"Sales"."Order Lines"', bind: {price: '"Price"'}}]
            """;

    private final ChangeEnvelopes envelopes = new ChangeEnvelopes(Json.mapper());
    private DevStack stack;
    private TestNamespace namespace;
    private ExamplePipeline pipeline;
    private PlainRowView rowView;
    private String changeTopic;
    /** The change topic read as it grows, and what it held so far. */
    private KafkaConsumer<byte[], byte[]> changeFeed;
    private final List<ChangeEvent> captured = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    void start(DevStack stack, TestNamespace namespace) throws Exception {
        this.stack = stack;
        this.namespace = namespace;
        pipeline = ExamplePipeline.start(stack, namespace, AwkwardValuesIT::schema, VIEWS);
        try (Connection connection = pipeline.jdbc().connect(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO awkward SELECT id + " + STREAMED + ", kind || ' (streamed)', touch, f8, num, tstz, js, big, "
                    + "d, ia, ta, b, iv, m, bits, jx, dflt FROM awkward");
        }
        pipeline.pipeline().awaitCaughtUp(Duration.ofSeconds(30));
        try (Connection connection = pipeline.jdbc().connect()) {
            rowView = PlainRowView.detect(pipeline.view("awkward-row"), connection).orElseThrow();
            assertThat(PlainRowView.detect(pipeline.view("awkward-all"), connection)).as("loaded from the database").isEmpty();
        }
        changeTopic = new Topics(namespace.topicPrefix()).change(new TableName("public", "awkward"));
        var config = new java.util.Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        changeFeed = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = changeFeed.partitionsFor(changeTopic).stream()
                .map(partition -> new TopicPartition(changeTopic, partition.partition())).toList();
        changeFeed.assign(partitions);
        changeFeed.seekToBeginning(partitions);
    }

    private static void schema(Connection connection) throws Exception {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");
            statement.execute("""
                    CREATE TABLE awkward (id bigint PRIMARY KEY, kind text NOT NULL, touch int NOT NULL DEFAULT 0,
                      f8 float8, num numeric, tstz timestamptz, js jsonb, big text,
                      d date, ia int[], ta text[], b bytea, iv interval, m mood, bits bit(4), jx json,
                      dflt text DEFAULT 'unset', gen int GENERATED ALWAYS AS (touch * 2) STORED)""");
            // A partitioned table: PostgreSQL decodes a change to a row under the partition's name, not the table's.
            statement.execute("CREATE TABLE parted (id bigint NOT NULL, region text NOT NULL, price numeric, PRIMARY KEY (id, region))"
                    + " PARTITION BY LIST (region)");
            statement.execute("CREATE TABLE parted_eu PARTITION OF parted FOR VALUES IN ('eu')");
            statement.execute("CREATE TABLE parted_us PARTITION OF parted FOR VALUES IN ('us')");
            statement.execute("INSERT INTO parted VALUES (1, 'eu', 1.00), (2, 'us', 2.00)");
            // Names as ORMs write them (quoted, capitals, a space), and key columns PostgreSQL compares loosely:
            // char(n) without its padding, numeric without trailing zeros.
            statement.execute("CREATE SCHEMA \"Sales\"");
            statement.execute("CREATE TABLE \"Sales\".\"Order Lines\" (\"Id\" bigint PRIMARY KEY, \"Code\" char(4) NOT NULL UNIQUE,"
                    + " \"Qty\" int NOT NULL, \"Price\" numeric(10,2) NOT NULL)");
            statement.execute("ALTER TABLE \"Sales\".\"Order Lines\" REPLICA IDENTITY FULL");
            statement.execute("INSERT INTO \"Sales\".\"Order Lines\" VALUES (1, 'AB', 5, 5.10)");
            // Out of line and uncompressed, so that an update leaving it alone sends Debezium no value for it.
            statement.execute("ALTER TABLE awkward ALTER COLUMN big SET STORAGE EXTERNAL");
            for (Awkward awkward : classes()) {
                statement.execute("INSERT INTO awkward (id, kind, " + awkward.column() + ") VALUES (" + awkward.id() + ", '"
                        + awkward.name() + "', " + awkward.literal() + ")");
            }
        }
    }

    @AfterAll
    void stop() {
        if (changeFeed != null) {
            changeFeed.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("classes")
    @Order(1)
    void eachValueClass_rendersAlikeOnTheFillAndRowImagePaths_orItsFallbackIsCounted(Awkward awkward) throws Exception {
        for (long id : List.of(awkward.id(), awkward.id() + STREAMED)) {
            for (String view : VIEW_NAMES) {
                CacheKey key = pipeline.key(view, Map.of("id", id));
                HttpResponse<String> read = pipeline.get("/views/" + view + "?id=" + id);
                assertThat(read.statusCode()).as(view + " " + id + ": " + read.body()).isEqualTo(200);
                assertThat(read.body()).isEqualTo(pipeline.expected(key));
                await().untilAsserted(() -> assertThat(pipeline.cached(key)).isEqualTo(pipeline.expected(key)));
            }
        }

        List<ChangeEvent> inserted = await().until(() -> changes(awkward), found -> found.size() == 2);
        assertThat(inserted).extracting(ChangeEvent::op).containsExactly(ChangeOp.SNAPSHOT_READ, ChangeOp.CREATE);
        assertThat(inserted).as("the generated column: its value where the image has it (pgoutput does not publish it), never null")
                .allSatisfy(event -> assertThat(event.after().has("gen") ? event.after().get("gen").asText() : "absent")
                        .isIn("absent", Integer.toString(2 * event.after().get("touch").intValue())));
        if (awkward.debezium() != null) {
            assertThat(inserted).as("Debezium's form, in the snapshot and when streamed")
                    .allSatisfy(event -> assertThat(event.after().get(awkward.column()).toString()).isEqualTo(awkward.debezium()));
        }
        long refusedBefore = 0;
        for (ChangeEvent event : inserted) {
            refusedBefore += agreesOrIsRefused(event) ? 0 : 1;
        }

        double fallbacks = fallbacks();
        pipeline.jdbc().update("UPDATE awkward SET touch = touch + 1 WHERE id IN (?, ?)", awkward.id(), awkward.id() + STREAMED);
        long refused = 0;
        List<ChangeEvent> updates = await().until(() -> changes(awkward).stream().filter(event -> event.op() == ChangeOp.UPDATE).toList(),
                found -> found.size() == 2);
        for (ChangeEvent update : updates) {
            refused += agreesOrIsRefused(update) ? 0 : 1;
        }
        long expectedFallbacks = refused;
        await("the invalidator to count " + refused + " fallbacks")
                .untilAsserted(() -> assertThat(fallbacks()).isGreaterThanOrEqualTo(fallbacks + expectedFallbacks));
        for (long id : List.of(awkward.id(), awkward.id() + STREAMED)) {
            for (String view : VIEW_NAMES) {
                CacheKey key = pipeline.key(view, Map.of("id", id));
                await().untilAsserted(() -> assertThat(pipeline.cached(key)).as(key.redisKey()).isEqualTo(pipeline.expected(key)));
                HttpResponse<String> read = pipeline.get("/views/" + view + "?id=" + id);
                assertThat(read.statusCode()).isEqualTo(200);
                assertThat(read.body()).isEqualTo(pipeline.expected(key));
            }
        }
        String form = inserted.getFirst().after().get(awkward.column()).toString();
        System.out.printf("%-32s debezium %-40s row images refused: %d of 2 inserted, %d of 2 updates%n", awkward.name(),
                form.substring(0, Math.min(40, form.length())), refusedBefore, refused);
        assertThat(refusedBefore).as("row images of the snapshot and the insert, which carry every value").isZero();
        assertThat(refused).as("row images of the updates: refused only for an unchanged TOAST value, which Debezium does not send")
                .isEqualTo(awkward.name().equals("TOASTed text") ? 2 : 0);
    }

    @Test
    @Order(2)
    void aRebuild_writesWhatTheDatabaseRenders_forEveryKey() throws Exception {
        List<CacheKey> keys = allKeys();
        for (CacheKey key : keys) {
            pipeline.redis().commands().del(key.redisKey().getBytes(StandardCharsets.UTF_8)).get();
        }
        var dataSource = database();
        var store = pipeline.pipeline().store();
        RebuildReport report = new Rebuilder(pipeline.pipeline().config().kafka(), pipeline.pipeline().catalog(), store,
                dataSource).run(new Rebuilder.Options(Set.of(), 100, true), (phase, done, total) -> { });

        assertThat(report.modes()).containsEntry("awkward-row", FillMode.ROW_IMAGES).containsEntry("awkward-all", FillMode.DATABASE_READS);
        assertThat(report.imageFallbacks()).as("at least the TOASTed rows' latest images").isGreaterThanOrEqualTo(2);
        List<String> differing = new ArrayList<>();
        for (CacheKey key : keys) {
            String cached = pipeline.cached(key);
            if (cached == null || !cached.equals(pipeline.expected(key))) {
                differing.add(key.redisKey() + "\n  cached   " + cached + "\n  expected " + pipeline.expected(key));
            }
        }
        assertThat(differing).as("keys the rebuild wrote otherwise than the database renders").isEmpty();
    }

    @Test
    @Order(3)
    void theAudit_findsEveryAwkwardValueCoherent() {
        AuditReport report = pipeline.pipeline().audit().run(new CacheAudit.Options(VIEW_NAMES, 1.0,
                Duration.ofSeconds(10), 5));
        System.out.print(report.render());
        assertThat(report.verdict()).as(report.render()).isEqualTo(AuditReport.Verdict.CLEAN);
        assertThat(report.checked()).isEqualTo(allKeys().size());
    }

    @Test
    @Order(4)
    void aChangeRedisRefuses_isDeadLetteredWithItsReason_andLaterChangesKeepFlowing() throws Exception {
        CacheKey planted = pipeline.key("awkward-row", Map.of("id", 1L));
        CacheKey later = pipeline.key("awkward-row", Map.of("id", 2L));
        byte[] plantedKey = planted.redisKey().getBytes(StandardCharsets.UTF_8);
        pipeline.redis().commands().set(plantedKey, "a string where a cache entry belongs".getBytes(StandardCharsets.UTF_8)).get();
        double replacements = pipeline.pipeline().metrics().counter("cachepipe.invalidator.thread.replacements").count();
        var kafka = KafkaTopics.on(stack.kafka());
        String deadLetters = new Topics(namespace.topicPrefix()).deadLetter();
        int lettersBefore = kafka.readAll(deadLetters).size();

        pipeline.jdbc().update("UPDATE awkward SET touch = touch + 10 WHERE id = 1");
        pipeline.jdbc().update("UPDATE awkward SET touch = touch + 10 WHERE id = 2");

        ConsumerRecord<String, String> letter = await("the refused change in the dead-letter topic")
                .until(() -> kafka.readAll(deadLetters), letters -> letters.size() > lettersBefore).getLast();
        assertThat(header(letter, DeadLetters.REASON)).startsWith("Redis refused the change's effects").contains("WRONGTYPE");
        assertThat(header(letter, DeadLetters.SOURCE_TOPIC)).isEqualTo(changeTopic);
        assertThat(letter.key()).isEqualTo("{\"id\":1}");
        await("a later change applied").untilAsserted(() -> assertThat(pipeline.cached(later)).isEqualTo(pipeline.expected(later)));

        pipeline.redis().commands().del(plantedKey).get();
        pipeline.jdbc().update("UPDATE awkward SET touch = touch + 10 WHERE id = 1");
        HttpResponse<String> read = pipeline.get("/views/awkward-row?id=1");
        assertThat(read.statusCode()).isEqualTo(200);
        await("the partition still applies changes to row 1").untilAsserted(() -> {
            pipeline.get("/views/awkward-row?id=1");
            assertThat(pipeline.cached(planted)).isEqualTo(pipeline.expected(planted));
        });
        assertThat(pipeline.pipeline().metrics().counter("cachepipe.invalidator.thread.replacements").count())
                .as("no stream thread died").isEqualTo(replacements);
    }

    @Test
    @Order(5)
    void aValueLargerThanAKafkaMessage_isLoadedFromTheDatabase_andTheChangesAfterItKeepFlowing() throws Exception {
        CacheKey huge = pipeline.key("awkward-row", Map.of("id", 3L));
        CacheKey later = pipeline.key("awkward-row", Map.of("id", 4L));
        for (CacheKey key : List.of(huge, later)) {
            pipeline.get("/views/awkward-row?id=" + key.params().get("id"));
            await().untilAsserted(() -> assertThat(pipeline.cached(key)).isEqualTo(pipeline.expected(key)));
        }
        Counter oversized = pipeline.pipeline().metrics().counter(MetricNames.CDC_OVERSIZED_CHANGES, "topic", changeTopic);
        double before = oversized.count();

        // 17.3 MB of text PostgreSQL stores without complaint: more than a Kafka message (16 MiB). Kafka refused the change,
        // cdc-capture restarted into it again and again, and no later change reached the cache.
        pipeline.jdbc().update("UPDATE awkward SET big = (SELECT string_agg(md5(n::text), '') FROM generate_series(1, 540000) n) WHERE id = 3");
        pipeline.pipeline().awaitCaughtUp(Duration.ofSeconds(30));
        pipeline.jdbc().update("UPDATE awkward SET touch = touch + 100 WHERE id = 4");

        await("the change after the large one").untilAsserted(() -> assertThat(pipeline.cached(later)).isEqualTo(pipeline.expected(later)));
        assertThat(oversized.count()).isEqualTo(before + 1);
        ChangeEvent marked = await().until(() -> changes(classes().get(2)).stream()
                .filter(event -> event.op() == ChangeOp.UPDATE && event.after().get("big").isTextual()
                        && ChangeEvent.UNAVAILABLE_VALUE.equals(event.after().get("big").textValue())).toList(), found -> !found.isEmpty()).getLast();
        assertThat(marked.before() == null ? ChangeEvent.UNAVAILABLE_VALUE : marked.before().get("big").textValue())
                .as("marked in the before image too, where there is one (this table's REPLICA IDENTITY sends none)")
                .isEqualTo(ChangeEvent.UNAVAILABLE_VALUE);
        await("the large row loaded from the database").untilAsserted(() -> {
            pipeline.get("/views/awkward-row?id=3");
            assertThat(pipeline.cached(huge)).isEqualTo(pipeline.expected(huge));
        });
        assertThat(pipeline.expected(huge)).hasSizeGreaterThan(17_000_000);
    }

    @Test
    @Order(6)
    void aLargeChangeRedisRefuses_isDeadLetteredWhole() throws Exception {
        CacheKey planted = pipeline.key("awkward-row", Map.of("id", 1L));
        byte[] plantedKey = planted.redisKey().getBytes(StandardCharsets.UTF_8);
        pipeline.redis().commands().set(plantedKey, "a string where a cache entry belongs".getBytes(StandardCharsets.UTF_8)).get();
        var kafka = KafkaTopics.on(stack.kafka());
        String deadLetters = new Topics(namespace.topicPrefix()).deadLetter();
        int lettersBefore = kafka.readAll(deadLetters).size();

        // 2 MB: more than Kafka's default message size (1 MB), which the dead-letter topic and the invalidator's producers had.
        pipeline.jdbc().update("UPDATE awkward SET big = (SELECT string_agg(md5(n::text), '') FROM generate_series(1, 64000) n) WHERE id = 1");

        ConsumerRecord<String, String> letter = await("the refused large change in the dead-letter topic")
                .until(() -> kafka.readAll(deadLetters), letters -> letters.size() > lettersBefore).getLast();
        assertThat(header(letter, DeadLetters.REASON)).contains("WRONGTYPE");
        assertThat(letter.value()).hasSizeGreaterThan(2_048_000);
        pipeline.redis().commands().del(plantedKey).get();
    }

    @Test
    @Order(7)
    void anAuditWhoseReadOfAKeyTimesOut_goesOnWithTheOthers_andDoesNotCallTheCacheClean() throws Exception {
        CacheKey huge = pipeline.key("awkward-row", Map.of("id", 3L));
        assertThat(pipeline.cached(huge)).as("the 17 MB row of the oversized-change test, cached").hasSizeGreaterThan(17_000_000);
        var config = pipeline.pipeline().config();
        var redis = config.redis();
        // 5 ms: no Redis passes 17 MB through a script that fast; the small keys may or may not make it.
        try (var hurried = RedisConnector.connect(new RedisConfig(redis.url(), redis.clusterNodes(), redis.namespace(), Duration.ofMillis(5)))) {
            var store = CacheStore.open(hurried, redis.namespace(), pipeline.pipeline().catalog(), config.cache());
            var dataSource = database();
            var audit = new CacheAudit(store, new ViewLoader(dataSource, LoadTimer.Cause.AUDIT), dataSource, java.time.Clock.systemUTC(),
                    java.util.random.RandomGenerator.getDefault());

            AuditReport report = audit.run(new CacheAudit.Options(List.of("awkward-row"), 1.0, Duration.ofSeconds(10), 1000));

            System.out.print(report.render());
            assertThat(report.views().getFirst().unreadKeys()).contains(huge.redisKey());
            assertThat(report.verdict()).isEqualTo(AuditReport.Verdict.UNCONFIRMED);
            assertThat(report.summary()).contains("unread").contains("CACHEPIPE_REDIS_TIMEOUT");
        }
    }

    /** The test's database, as an operator command reaches it. */
    @Test
    @Order(8)
    void aSchemaChangeThatRewritesTheRows_dropsTheValuesCachedFromThem() throws Exception {
        Counter flushes = pipeline.pipeline().metrics().counter(MetricNames.INVALIDATOR_SCHEMA_CHANGE_FLUSHES);
        double before = flushes.count();
        CacheKey key = pipeline.key("awkward-row", Map.of("id", 26L));
        pipeline.get("/views/awkward-row?id=26");
        await().untilAsserted(() -> assertThat(pipeline.cached(key)).isEqualTo(pipeline.expected(key)));

        // PostgreSQL rewrites every row, and logical decoding carries none of it: only the event trigger tells.
        pipeline.jdbc().update("ALTER TABLE awkward ALTER COLUMN dflt TYPE text USING coalesce(dflt, 'null') || ' (rewritten)'");

        assertThat(pipeline.expected(key)).contains("\"dflt\":\"null (rewritten)\"");
        await("the value cached before the rewrite").untilAsserted(() -> {
            pipeline.get("/views/awkward-row?id=26");
            assertThat(pipeline.cached(key)).isEqualTo(pipeline.expected(key));
        });
        // Counted once the flush is done, which a reader may see a moment before the count.
        await("the flush counted").untilAsserted(() -> assertThat(flushes.count()).isEqualTo(before + 1));
    }

    @Test
    @Order(9)
    void aTableSwappedInUnderACapturedName_isAddedToThePublication_andItsChangesReachTheCache() throws Exception {
        CacheKey key = pipeline.key("awkward-row", Map.of("id", 25L));
        String columns = "id, kind, touch, f8, num, tstz, js, big, d, ia, ta, b, iv, m, bits, jx, dflt";
        // A migration's swap: a new table filled beside the old one, then renamed into its place. The publication holds the old one.
        pipeline.jdbc().update("CREATE TABLE awkward_new (LIKE awkward INCLUDING ALL)");
        pipeline.jdbc().update("INSERT INTO awkward_new (" + columns + ") SELECT " + columns + " FROM awkward");
        try (Connection connection = pipeline.jdbc().connect(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("ALTER TABLE awkward RENAME TO awkward_old");
            statement.execute("ALTER TABLE awkward_new RENAME TO awkward");
            connection.commit();
        }
        Counter repairs = pipeline.pipeline().metrics().counter(MetricNames.CDC_PUBLICATION_REPAIRS);
        await("the swapped-in table added to the publication").until(repairs::count, count -> count >= 1);
        // The repair's own schema change drops the views' values once it reaches the invalidator: read until one stays.
        await().untilAsserted(() -> {
            pipeline.get("/views/awkward-row?id=25");
            assertThat(pipeline.cached(key)).isEqualTo(pipeline.expected(key));
        });

        pipeline.jdbc().update("UPDATE awkward SET touch = touch + 7 WHERE id = 25");

        await("the change to the swapped-in table").untilAsserted(() -> {
            pipeline.get("/views/awkward-row?id=25");
            assertThat(pipeline.cached(key)).isEqualTo(pipeline.expected(key));
        });
    }

    @Test
    @Order(10)
    void aChangeToAPartitionedTable_reachesTheViewsReadingIt_evenWhenTheRowMovesPartition() throws Exception {
        CacheKey key = pipeline.key("parted-row", Map.of("id", 1L));
        pipeline.get("/views/parted-row?id=1");
        await().untilAsserted(() -> assertThat(pipeline.cached(key)).isEqualTo(pipeline.expected(key)));

        pipeline.jdbc().update("UPDATE parted SET price = 1.50 WHERE id = 1");
        await("an update inside one partition").untilAsserted(() -> {
            pipeline.get("/views/parted-row?id=1");
            assertThat(pipeline.cached(key)).contains("1.50").isEqualTo(pipeline.expected(key));
        });

        pipeline.jdbc().update("UPDATE parted SET region = 'us', price = 1.75 WHERE id = 1");
        await("an update moving the row to another partition").untilAsserted(() -> {
            pipeline.get("/views/parted-row?id=1");
            assertThat(pipeline.cached(key)).contains("1.75").isEqualTo(pipeline.expected(key));
        });
    }

    @Test
    @Order(11)
    void aChangeToATableWithAQuotedName_reachesItsKeys_underEverySpellingOfTheirParameters() throws Exception {
        CacheKey row = pipeline.key("line-row", Map.of("id", 1L));
        CacheKey byCode = pipeline.key("line-by-code", Map.of("code", "AB"));
        CacheKey atPrice = pipeline.key("lines-at-price", Map.of("price", new java.math.BigDecimal("5.1")));
        // The spellings a client may use: the image says 'AB  ' (char(4)) and 5.10 (numeric(10,2)).
        assertThat(pipeline.get("/views/line-row?id=1").body()).contains("\"qty\":5");
        assertThat(pipeline.get("/views/line-by-code?code=AB%20").body()).contains("\"qty\":5");
        assertThat(pipeline.get("/views/lines-at-price?price=5.100").body()).contains("\"lines\":1");
        await().untilAsserted(() -> assertThat(List.of(pipeline.cached(row), pipeline.cached(byCode), pipeline.cached(atPrice)))
                .containsExactly(pipeline.expected(row), pipeline.expected(byCode), pipeline.expected(atPrice)));

        pipeline.jdbc().update("UPDATE \"Sales\".\"Order Lines\" SET \"Qty\" = 6 WHERE \"Id\" = 1");
        pipeline.jdbc().update("INSERT INTO \"Sales\".\"Order Lines\" VALUES (2, 'CD', 1, 5.1)");
        await("the change reaching every key").untilAsserted(() -> {
            assertThat(pipeline.get("/views/line-row?id=1").body()).contains("\"qty\":6");
            assertThat(pipeline.get("/views/line-by-code?code=AB%20").body()).contains("\"qty\":6");
            assertThat(pipeline.get("/views/line-by-code?code=AB").body()).contains("\"qty\":6");
            assertThat(pipeline.get("/views/lines-at-price?price=5.100").body()).contains("\"lines\":2");
            assertThat(pipeline.get("/views/lines-at-price?price=5.1").body()).contains("\"lines\":2");
        });
        assertThat(pipeline.cached(byCode)).isEqualTo(pipeline.expected(byCode));
        assertThat(pipeline.cached(atPrice)).isEqualTo(pipeline.expected(atPrice));
    }

    private PGSimpleDataSource database() {
        var dataSource = new PGSimpleDataSource();
        dataSource.setURL(namespace.jdbcUrl());
        dataSource.setUser(stack.postgres().user());
        dataSource.setPassword(stack.postgres().password());
        return dataSource;
    }

    /** True when the change's row image renders as the database renders the row now; false when refused. */
    private boolean agreesOrIsRefused(ChangeEvent event) throws Exception {
        long id = event.after().get("id").longValue();
        PlainRowView.Image image = rowView.image(event, Map.of("id", id));
        if (image instanceof PlainRowView.Image.Refused) {
            return false;
        }
        assertThat(image).isInstanceOf(PlainRowView.Image.Rendered.class);
        String rendered = new String(((PlainRowView.Image.Rendered) image).value(), StandardCharsets.UTF_8);
        CacheKey key = pipeline.key("awkward-row", Map.of("id", id));
        if (event.after().get("touch").intValue() == touch(id)) {
            assertThat(rendered).as("the row image of " + event.op() + " of row " + id).isEqualTo(pipeline.expected(key));
        }
        return true;
    }

    private int touch(long id) {
        Integer touch = pipeline.jdbc().queryValue(Integer.class, "SELECT touch FROM awkward WHERE id = ?", id);
        return touch == null ? -1 : touch;
    }

    /** The changes captured so far for the class's two rows, in commit order. */
    private synchronized List<ChangeEvent> changes(Awkward awkward) throws Exception {
        for (ConsumerRecord<byte[], byte[]> record : changeFeed.poll(Duration.ofMillis(200))) {
            if (record.value() != null) {
                captured.add(envelopes.parse(record.key(), record.value()));
            }
        }
        return captured.stream().filter(event -> {
            long id = event.key().get("id").longValue();
            return id == awkward.id() || id == awkward.id() + STREAMED;
        }).sorted(java.util.Comparator.comparing(ChangeEvent::lsn)).toList();
    }

    private List<CacheKey> allKeys() {
        List<CacheKey> keys = new ArrayList<>();
        for (Awkward awkward : classes()) {
            for (long id : List.of(awkward.id(), awkward.id() + STREAMED)) {
                for (String view : VIEW_NAMES) {
                    keys.add(pipeline.key(view, Map.of("id", id)));
                }
            }
        }
        return keys;
    }

    private double fallbacks() {
        Counter counter = pipeline.pipeline().metrics().find(MetricNames.ROW_IMAGE_FALLBACKS).counter();
        return counter == null ? 0 : counter.count();
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
