package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.ops.rebuild.FillMode;
import io.cachepipe.ops.rebuild.RebuildReport;
import io.cachepipe.ops.rebuild.Rebuilder;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator commands and admin routes on real servers: rebuild after Redis loss, replay from a
 * time (checked against the committed offsets read independently), flush and warm, the admin token,
 * and the summary. One pipeline for the class; the tests run in order because replay stops and
 * restarts the consumers, and removing the members runs last.
 */
@WithDevStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsIT {
    private static final String TOKEN = "test-admin-token-0123456789abcdef";
    private static final int PRODUCTS = 600;
    private static final int CATEGORIES = 12;
    private final HttpClient http = HttpClient.newHttpClient();
    private ExamplePipeline catalog;
    private DevStack stack;
    private TestNamespace namespace;

    @BeforeAll
    void startPipeline(DevStack stack, TestNamespace namespace) throws Exception {
        this.stack = stack;
        this.namespace = namespace;
        catalog = ExamplePipeline.start(stack, namespace, io.cachepipe.examples.ExampleSchema.CATALOG,
                connection -> io.cachepipe.examples.CatalogSeeder.seed(connection, PRODUCTS, CATEGORIES, 7),
                Map.of("api.admin-token", TOKEN));
    }

    @AfterAll
    void stopPipeline() {
        if (catalog != null) {
            catalog.close();
        }
    }

    @Test
    @Order(1)
    void adminRoutes_answer401WithoutToken_403WithAWrongOne_and2xxWithTheToken() throws Exception {
        HttpResponse<String> none = admin("GET", "/admin/hot-keys", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
        assertThat(none.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("problem+json"));
        assertThat(admin("GET", "/admin/hot-keys", "Basic abc").statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = admin("GET", "/admin/hot-keys", "Bearer " + TOKEN + "x");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).doesNotContain(TOKEN);
        assertThat(admin("GET", "/admin/hot-keys", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(admin("GET", "/admin/replay/status", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(admin("GET", "/admin/replay/status", null).statusCode()).as("nested admin routes are guarded too").isEqualTo(401);
        assertThat(admin("GET", "/admin/replay/status", "Bearer wrong-token-of-some-length").statusCode()).isEqualTo(403);
        assertThat(admin("POST", "/admin/warm?dry-run=true", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(admin("POST", "/admin/flush", null).statusCode()).isEqualTo(401);
        HttpResponse<String> noView = admin("POST", "/admin/flush", "Bearer " + TOKEN);
        assertThat(noView.statusCode()).isEqualTo(400);
        assertThat(noView.body()).contains("view=");
        assertThat(admin("POST", "/admin/flush?view=nope", "Bearer " + TOKEN).body()).contains("no view named nope");
        assertThat(admin("POST", "/admin/warm?limit=abc", "Bearer " + TOKEN).statusCode()).isEqualTo(400);

        // Public read routes never ask for the token.
        assertThat(catalog.get("/products/1").statusCode()).isEqualTo(200);
        assertThat(catalog.get("/cache/summary").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void flushByPattern_dropsOnlyMatchingKeys_andWarmHot_loadsTheKeysTheApiReadMost() throws Exception {
        for (int i = 0; i < 20; i++) {
            catalog.get("/products/11");
        }
        for (int id = 12; id <= 15; id++) {
            catalog.get("/products/" + id);
        }
        catalog.get("/products/21");
        CacheKey hottest = catalog.key("product", Map.of("id", 11L));
        CacheKey other = catalog.key("product", Map.of("id", 21L));
        await().until(() -> catalog.cached(hottest) != null && catalog.cached(other) != null);
        await("the API reports hot keys to Redis").untilAsserted(() -> {
            JsonNode hot = Json.mapper().readTree(admin("GET", "/admin/hot-keys", "Bearer " + TOKEN).body());
            assertThat(hot.path("shared").path(hottest.redisKey()).asLong()).isGreaterThanOrEqualTo(20);
        });

        Cli.Result dry = cli("flush", "--view", "product", "--pattern", "product:1*", "--dry-run");
        assertThat(dry.exit()).as(dry.text()).isZero();
        assertThat(catalog.cached(hottest)).isNotNull();

        Cli.Result flushed = cli("flush", "--view", "product", "--pattern", "product:1*");
        assertThat(flushed.exit()).as(flushed.text()).isZero();
        assertThat(flushed.out()).contains("flushed product matching product:1*");
        assertThat(catalog.cached(hottest)).isNull();
        assertThat(catalog.cached(other)).isEqualTo(catalog.expected(other));

        Cli.Result plan = cli("warm", "--hot", "--views", "product", "--limit", "1", "--dry-run");
        assertThat(plan.exit()).as(plan.text()).isZero();
        assertThat(plan.out()).contains("would warm " + hottest.redisKey()).contains("dry run: 1 keys");
        assertThat(catalog.cached(hottest)).isNull();

        Cli.Result warmed = cli("warm", "--hot", "--views", "product", "--limit", "5");
        assertThat(warmed.exit()).as(warmed.text()).isZero();
        assertThat(warmed.out()).contains("warmed 5 keys").contains("1 database queries");
        assertThat(catalog.cached(hottest)).isEqualTo(catalog.expected(hottest));

        HttpResponse<String> adminFlush = admin("POST", "/admin/flush?view=product&pattern=product:21", "Bearer " + TOKEN);
        assertThat(adminFlush.statusCode()).as(adminFlush.body()).isEqualTo(200);
        assertThat(Json.mapper().readTree(adminFlush.body()).path("flushed").asLong()).isEqualTo(1);
        assertThat(catalog.cached(other)).isNull();
        HttpResponse<String> adminWarm = admin("POST", "/admin/warm?views=product&hot=false&limit=1000", "Bearer " + TOKEN);
        assertThat(adminWarm.statusCode()).as(adminWarm.body()).isEqualTo(200);
        assertThat(catalog.cached(other)).isEqualTo(catalog.expected(other));

        Cli.Result unknown = cli("flush", "--view", "nope");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("no view named nope").contains("declared: product");
    }

    @Test
    @Order(3)
    void rebuildAfterRedisLoss_fillsEveryViewFromTheLog_rowViewsWithoutAnyDatabaseQuery() throws Exception {
        long wiped = wipeNamespace();
        assertThat(wiped).isPositive();

        // The row view, with the database behind a data source that counts what is run on it.
        CountingDataSource counted = countingDataSource();
        RebuildReport rowViews = rebuilder(counted).run(new Rebuilder.Options(Set.of("product"), 500, false), (phase, done, total) -> {
        });
        System.out.println("rebuild of the row view: " + rowViews + "; counted " + counted.executions() + " statements executed, "
                + counted.rowsRead() + " rows read, " + counted.prepared() + " prepared");
        assertThat(rowViews.modes()).containsEntry("product", FillMode.ROW_IMAGES);
        assertThat(rowViews.rowWrites()).isEqualTo(PRODUCTS);
        assertThat(counted.executions()).as("statements the row-view rebuild executed").isZero();
        assertThat(counted.rowsRead()).as("rows the row-view rebuild read from PostgreSQL").isZero();
        assertThat(rowViews.dbQueries()).as("self-reported").isEqualTo(counted.executions());
        assertThat(counted.prepared()).as("column-type describes only").isEqualTo(rowViews.schemaLookups());

        // Every view, through the command; then the same rebuild counted independently.
        wipeNamespace();
        Cli.Result all = cli("rebuild", "--progress", "lines", "--batch-size", "100");
        assertThat(all.exit()).as(all.text()).isZero();
        System.out.println("rebuild of every view:\n" + all.out());
        assertThat(all.out()).contains("product                  row images");
        long reported = number(all.out(), "database queries\\s+([\\d,]+)");
        wipeNamespace();
        CountingDataSource countedAll = countingDataSource();
        RebuildReport allViews = rebuilder(countedAll).run(new Rebuilder.Options(Set.of(), 100, false), (phase, done, total) -> {
        });
        System.out.println("counted rebuild of every view: " + countedAll.executions() + " statements executed, "
                + countedAll.rowsRead() + " rows read");
        // category (12 keys), category-products page 1 (12 keys), product-reviews (products with reviews): batches of 100.
        assertThat(countedAll.executions()).isPositive().isLessThanOrEqualTo(1 + 1 + (PRODUCTS + 99) / 100)
                .isEqualTo(allViews.dbQueries()).isEqualTo(reported);

        assertEveryViewEqualsTheDatabase();
        assertThat(catalog.get("/categories/3").headers().firstValue("X-Cache")).hasValueSatisfying(
                outcome -> assertThat(outcome).isIn("HIT", "NEAR"));

        // Later pages are not the rebuild's (no source binds page; its default is 1): they fill on read, from the database.
        for (long category = 1; category <= CATEGORIES; category++) {
            for (int page = 2; page <= 3; page++) {
                CacheKey key = catalog.key("category-products", Map.of("category_id", category, "page", page));
                assertThat(catalog.cached(key)).as("rebuilt " + key.redisKey()).isNull();
                HttpResponse<String> read = catalog.get("/categories/" + category + "/products?page=" + page);
                assertThat(read.statusCode()).isEqualTo(200);
                assertThat(read.body()).isEqualTo(catalog.expected(key));
                assertThat(catalog.cached(key)).isEqualTo(catalog.expected(key));
            }
        }
        assertThat(catalog.expected(catalog.key("category-products", Map.of("category_id", 3L, "page", 3))))
                .as("the seed gives page 3 rows").isNotEqualTo("[]");

        // The audit, as `cachepipe audit` runs it, over every registered entry.
        Cli.Result audit = cli("audit", "--settle", "30s");
        System.out.print(audit.out());
        assertThat(audit.exit()).as(audit.text()).isZero();
        assertThat(audit.out()).contains("CLEAN");
        assertThat(number(audit.out(), "compared (\\d+) cached values")).isGreaterThanOrEqualTo(PRODUCTS + 2 * CATEGORIES + 2L * CATEGORIES);
    }

    private CountingDataSource countingDataSource() {
        var dataSource = new org.postgresql.ds.PGSimpleDataSource();
        dataSource.setURL(namespace.jdbcUrl());
        dataSource.setUser(stack.postgres().user());
        dataSource.setPassword(stack.postgres().password());
        return new CountingDataSource(dataSource);
    }

    private Rebuilder rebuilder(CountingDataSource dataSource) {
        var pipeline = catalog.pipeline();
        return new Rebuilder(pipeline.config().kafka(), pipeline.catalog(), pipeline.store(), dataSource.dataSource());
    }

    @Test
    @Order(4)
    void rebuildInterrupted_resumesFromItsCheckpoint_withoutRereadingTheTopics() throws Exception {
        wipeNamespace();
        var pipeline = catalog.pipeline();
        var dataSource = new org.postgresql.ds.PGSimpleDataSource();
        dataSource.setURL(namespace.jdbcUrl());
        dataSource.setUser(stack.postgres().user());
        dataSource.setPassword(stack.postgres().password());
        var rebuilder = new io.cachepipe.ops.rebuild.Rebuilder(pipeline.config().kafka(), pipeline.catalog(), pipeline.store(),
                dataSource);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> rebuilder.run(
                new io.cachepipe.ops.rebuild.Rebuilder.Options(java.util.Set.of(), 5, false), (phase, done, total) -> {
                    if (phase.equals("view product-reviews") && done >= 10) {
                        throw new IllegalStateException("stopped on purpose");
                    }
                })).hasMessageContaining("stopped on purpose");

        Cli.Result resumed = cli("rebuild", "--progress", "lines", "--batch-size", "5");
        assertThat(resumed.exit()).as(resumed.text()).isZero();
        System.out.println("resumed rebuild:\n" + resumed.out());
        assertThat(number(resumed.out(), "change records read\\s+([\\d,]+)")).as("records read again").isZero();
        assertEveryViewEqualsTheDatabase();
    }

    private void assertEveryViewEqualsTheDatabase() throws Exception {
        List<CacheKey> keys = new ArrayList<>();
        try (var connection = catalog.jdbc().connect(); var statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT id FROM products")) {
                while (rows.next()) keys.add(catalog.key("product", Map.of("id", rows.getLong(1))));
            }
            try (ResultSet rows = statement.executeQuery("SELECT id FROM categories")) {
                while (rows.next()) {
                    keys.add(catalog.key("category", Map.of("id", rows.getLong(1))));
                    keys.add(catalog.key("category-products", Map.of("category_id", rows.getLong(1), "page", 1)));
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT DISTINCT product_id FROM reviews")) {
                while (rows.next()) keys.add(catalog.key("product-reviews", Map.of("product_id", rows.getLong(1))));
            }
        }
        assertThat(keys).hasSizeGreaterThan(PRODUCTS + 2 * CATEGORIES);
        List<String> differing = new ArrayList<>();
        for (CacheKey key : keys) {
            String cached = catalog.cached(key);
            if (cached == null || !cached.equals(catalog.expected(key))) {
                differing.add(key.redisKey() + " cached=" + cached + " expected=" + catalog.expected(key));
            }
        }
        assertThat(differing).as("keys whose cached value differs from the database").isEmpty();
    }

    @Test
    @Order(6)
    void replayFromATime_movesTheCommittedOffsetsToTheFirstRecordAfterIt_andReappliesExactlyThoseChanges() throws Exception {
        String group = namespace.topicPrefix() + "-invalidator";
        String products = namespace.topicPrefix() + ".public.products";
        catalog.jdbc().update("UPDATE products SET price = 1.11 WHERE id = 31");
        catalog.pipeline().awaitCaughtUp(Duration.ofSeconds(60));
        Instant from = Instant.now();
        await().until(() -> System.currentTimeMillis() > from.toEpochMilli() + 1);
        catalog.jdbc().update("UPDATE products SET price = 2.22 WHERE id = 32");
        catalog.jdbc().update("UPDATE products SET price = 3.33 WHERE id = 33");
        catalog.pipeline().awaitCaughtUp(Duration.ofSeconds(60));

        Independent expected = firstOffsetsAtOrAfter(products, from);
        assertThat(expected.changes).as("changes published after the replay time").isEqualTo(2);

        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> before = committed(admin, group);
            Cli.Result refused = cli("replay", "--from", from.toString(), "--tables", "public.products", "--no-wait");
            assertThat(refused.exit()).as(refused.text()).isEqualTo(3);
            assertThat(refused.err()).contains("active member").contains("--stop-consumers");
            Cli.Result dry = cli("replay", "--from", from.toString(), "--tables", "public.products", "--dry-run");
            assertThat(dry.exit()).as(dry.text()).isZero();
            assertThat(dry.out()).contains("dry run: nothing moved");
            assertThat(committed(admin, group)).isEqualTo(before);

            catalog.pipeline().stopConsumers();
            double changesBefore = changesApplied("public.products");
            Cli.Result moved = cli("replay", "--from", from.toString(), "--tables", "public.products", "--no-wait");
            assertThat(moved.exit()).as(moved.text()).isZero();

            Map<TopicPartition, OffsetAndMetadata> after = committed(admin, group);
            expected.offsets.forEach((partition, offset) ->
                    assertThat(after.get(partition).offset()).as("committed offset of " + partition).isEqualTo(offset));
            after.forEach((partition, offset) -> {
                if (!partition.topic().equals(products)) {
                    assertThat(offset).as("untouched " + partition).isEqualTo(before.get(partition));
                }
            });
            JsonNode status = Json.mapper().readTree(admin("GET", "/admin/replay/status", "Bearer " + TOKEN).body());
            assertThat(status.path("state").asText()).isEqualTo("moved");
            assertThat(status.path("from").asText()).isEqualTo(from.toString());

            catalog.pipeline().startConsumers();
            catalog.pipeline().awaitCaughtUp(Duration.ofSeconds(60));
            assertThat(changesApplied("public.products") - changesBefore).as("changes the invalidator re-applied").isEqualTo(2.0);
            CacheKey key = catalog.key("product", Map.of("id", 33L));
            catalog.get("/products/33");
            await().untilAsserted(() -> assertThat(catalog.cached(key)).isEqualTo(catalog.expected(key)).contains("3.33"));
        }
    }

    @Test
    @Order(7)
    void replayNarrowedToAView_movesOnlyItsTables_unnarrowedMovesTheWarmerToo_andToCountsOnlyUpToT() throws Exception {
        String prefix = namespace.topicPrefix();
        String invalidatorGroup = catalog.pipeline().config().invalidator().applicationId();
        String warmerGroup = catalog.pipeline().config().warmer().groupId();
        String reviews = prefix + ".public.reviews";
        String warm = prefix + ".warm";
        List<String> changeTopics = List.of(prefix + ".public.products", prefix + ".public.categories", reviews);

        catalog.jdbc().update("INSERT INTO reviews (product_id, rating) VALUES (50, 1)");
        catalog.pipeline().awaitCaughtUp(Duration.ofSeconds(60));
        Instant from = Instant.now();
        await().until(() -> System.currentTimeMillis() > from.toEpochMilli() + 1);
        catalog.jdbc().update("INSERT INTO reviews (product_id, rating) VALUES (51, 5)");
        catalog.jdbc().update("UPDATE products SET price = 5.55 WHERE id = 52");
        catalog.get("/products/52/reviews/summary");
        catalog.pipeline().awaitCaughtUp(Duration.ofSeconds(60));
        Instant to = Instant.now();
        await().until(() -> System.currentTimeMillis() > to.toEpochMilli() + 1);
        catalog.jdbc().update("UPDATE products SET price = 6.66 WHERE id = 53");
        catalog.pipeline().awaitCaughtUp(Duration.ofSeconds(60));

        try (Admin admin = admin()) {
            catalog.pipeline().stopConsumers();
            Map<TopicPartition, OffsetAndMetadata> invalidatorBefore = committed(admin, invalidatorGroup);
            Map<TopicPartition, OffsetAndMetadata> warmerBefore = committed(admin, warmerGroup);
            assertThat(warmerBefore).as("the warmer has committed offsets to move").isNotEmpty();

            // --views: only the topics of the view's tables move, and the warmer's group stays.
            Cli.Result narrowed = cli("replay", "--from", from.toString(), "--views", "product-reviews", "--no-wait");
            assertThat(narrowed.exit()).as(narrowed.text()).isZero();
            assertThat(narrowed.out()).contains("warmer group " + warmerGroup + " is not moved");
            Map<TopicPartition, Long> reviewsFrom = firstOffsetsAtOrAfter(reviews, from).offsets;
            Map<TopicPartition, OffsetAndMetadata> narrowedAfter = committed(admin, invalidatorGroup);
            reviewsFrom.forEach((partition, offset) ->
                    assertThat(narrowedAfter.get(partition).offset()).as("moved " + partition).isEqualTo(offset));
            assertThat(reviewsFrom.values().stream().mapToLong(Long::longValue).sum())
                    .as("the reviews topic really moved back").isLessThan(invalidatorBefore.entrySet().stream()
                            .filter(entry -> entry.getKey().topic().equals(reviews)).mapToLong(entry -> entry.getValue().offset()).sum());
            narrowedAfter.forEach((partition, offset) -> {
                if (!partition.topic().equals(reviews)) {
                    assertThat(offset).as("untouched " + partition).isEqualTo(invalidatorBefore.get(partition));
                }
            });
            assertThat(committed(admin, warmerGroup)).as("warmer group").isEqualTo(warmerBefore);

            // Not narrowed: both groups move, each to the first record at or after --from of its own topics.
            Cli.Result both = cli("replay", "--from", from.toString(), "--no-wait");
            assertThat(both.exit()).as(both.text()).isZero();
            Map<TopicPartition, OffsetAndMetadata> invalidatorAfter = committed(admin, invalidatorGroup);
            for (String topic : changeTopics) {
                firstOffsetsAtOrAfter(topic, from).offsets.forEach((partition, offset) ->
                        assertThat(invalidatorAfter.get(partition).offset()).as("invalidator " + partition).isEqualTo(offset));
            }
            Map<TopicPartition, Long> warmFrom = firstOffsetsAtOrAfter(warm, from).offsets;
            Map<TopicPartition, OffsetAndMetadata> warmerAfter = committed(admin, warmerGroup);
            warmFrom.forEach((partition, offset) ->
                    assertThat(warmerAfter.get(partition).offset()).as("warmer " + partition).isEqualTo(offset));
            assertThat(warmerAfter).as("the warmer group moved back").isNotEqualTo(warmerBefore);

            catalog.pipeline().startConsumers();
            catalog.pipeline().awaitCaughtUp(Duration.ofSeconds(60));

            // --to: the replay is done once the groups passed T; it counts exactly the records from --from to --to.
            long expected = 0;
            long toTheEnd = 0;
            for (String topic : concat(changeTopics, warm)) {
                Map<TopicPartition, Long> start = firstOffsetsAtOrAfter(topic, from).offsets;
                Map<TopicPartition, Long> until = firstOffsetsAtOrAfter(topic, to).offsets;
                Map<TopicPartition, Long> end = endOffsets(topic);
                for (TopicPartition partition : start.keySet()) {
                    expected += until.get(partition) - start.get(partition);
                    toTheEnd += end.get(partition) - start.get(partition);
                }
            }
            assertThat(expected).isPositive().isLessThan(toTheEnd);
            Cli.Result bounded = cli("replay", "--from", from.toString(), "--to", to.toString(), "--stop-consumers", "--timeout", "90s",
                    "--progress", "lines");
            assertThat(bounded.exit()).as(bounded.text()).isZero();
            assertThat(bounded.out()).contains("caught up: " + expected + " records re-applied");
            System.out.println("replay --from --to: " + expected + " records between the times, " + toTheEnd + " to the end");
        }
        CacheKey key = catalog.key("product", Map.of("id", 53L));
        catalog.get("/products/53");
        await().untilAsserted(() -> assertThat(catalog.cached(key)).isEqualTo(catalog.expected(key)).contains("6.66"));
    }

    private static List<String> concat(List<String> topics, String more) {
        List<String> all = new ArrayList<>(topics);
        all.add(more);
        return all;
    }

    private Map<TopicPartition, Long> endOffsets(String topic) {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (var consumer = new KafkaConsumer<byte[], byte[]>(props)) {
            return consumer.endOffsets(consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList());
        }
    }

    @Test
    @Order(8)
    void replayWithStopConsumers_removesTheActiveMembers_andReportsCaughtUp() throws Exception {
        Cli.Result result = cli("replay", "--from-beginning", "--stop-consumers", "--timeout", "90s", "--progress", "lines");
        assertThat(result.exit()).as(result.text()).isZero();
        assertThat(result.out()).contains("caught up");
        catalog.jdbc().update("UPDATE products SET price = 4.44 WHERE id = 34");
        CacheKey key = catalog.key("product", Map.of("id", 34L));
        catalog.get("/products/34");
        await().untilAsserted(() -> assertThat(catalog.cached(key)).isEqualTo(catalog.expected(key)).contains("4.44"));
    }

    @Test
    @Order(5)
    void summary_scoresHealth_andSaysWhatToDo_aboutADeadLetter() throws Exception {
        var props = new Properties();
        props.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        props.put(org.apache.kafka.clients.producer.ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.StringSerializer.class.getName());
        props.put(org.apache.kafka.clients.producer.ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.StringSerializer.class.getName());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(props)) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(namespace.topicPrefix() + ".dead-letter", "k",
                    "{\"reason\":\"test\"}")).get();
        }
        await("the summary sees the dead letter").untilAsserted(() -> assertThat(Json.mapper()
                .readTree(catalog.get("/cache/summary").body()).path("pipeline").path("deadLetters").asLong()).isEqualTo(1));
        HttpResponse<String> response = catalog.get("/cache/summary");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode summary = Json.mapper().readTree(response.body());
        assertThat(summary.path("healthScore").asInt()).isBetween(0, 90);
        assertThat(summary.path("pipeline").path("known").asBoolean()).as(response.body()).isTrue();
        assertThat(summary.path("recommendations").toString()).contains("1 records wait in the dead-letter topic");
        assertThat(summary.path("replicationSlots")).isNotEmpty();
        System.out.println("summary: " + summary.toPrettyString());

        catalog.jdbc().update("UPDATE products SET stock = stock + 1 WHERE id = 40");
        catalog.pipeline().awaitCaughtUp(Duration.ofSeconds(60));
        Cli.Result stats = cli("stats", "--api-url", "http://127.0.0.1:" + catalog.pipeline().apiPort(),
                "--metrics-url", "http://127.0.0.1:" + catalog.pipeline().apiPort() + "/metrics");
        assertThat(stats.exit()).as(stats.text()).isZero();
        assertThat(stats.out()).contains("redis memory used").contains("invalidator").contains("warmer").contains("product")
                .contains("Replication slot").containsPattern("cachepipe_freshness_invalidated\\s+p50");
        System.out.println("stats:\n" + stats.out());
    }

    @Test
    @Order(9)
    void db_showsLoadsPerView_plans_tables_topStatements_andConnections() throws Exception {
        catalog.jdbc().execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        catalog.jdbc().update("UPDATE products SET stock = stock + 1 WHERE id = 41");
        catalog.pipeline().awaitCaughtUp(Duration.ofSeconds(60));
        assertThat(catalog.get("/products/41").statusCode()).isEqualTo(200);

        Cli.Result db = cli("db", "--metrics-url", "http://127.0.0.1:" + catalog.pipeline().apiPort() + "/metrics");

        assertThat(db.exit()).as(db.text()).isZero();
        assertThat(db.out()).containsPattern("product\\s+(fill|warm)\\s+[1-9][0-9,]*\\s+[0-9.]+")
                .contains("product                  Index Scan using products_pkey on products")
                .containsPattern("public\\.products\\s+[0-9,]+")
                .contains("FROM products WHERE id = $1")
                .containsPattern("cachepipe-pipeline\\s+[0-9]+\\s+[0-9]+\\s+[1-9]")
                .doesNotContain("WARNING");
        System.out.println("db:\n" + db.out());
    }

    @Test
    @Order(10)
    void theChangeTopics_holdOnlyDebeziumChangeEnvelopes_afterEveryWatermarkOfTheClass_whichHaveATopicOfTheirOwn() throws Exception {
        catalog.jdbc().update("UPDATE products SET price = price + 1 WHERE id = 3");
        catalog.pipeline().awaitCaughtUp(Duration.ofSeconds(60));
        var topics = io.cachepipe.testsupport.KafkaTopics.on(stack.kafka());
        List<String> changeTopics = topics.names().stream()
                .filter(topic -> topic.startsWith(namespace.topicPrefix() + ".") && topic.split("\\.").length == 3).toList();
        assertThat(changeTopics).as("every captured table's topic").hasSizeGreaterThanOrEqualTo(3);
        long envelopes = 0;
        for (String topic : changeTopics) {
            for (ConsumerRecord<String, String> record : topics.readAll(topic)) {
                assertThat(record.headers().toArray()).as(topic + "@" + record.offset() + " has no headers of cachepipe's").isEmpty();
                if (record.value() == null) {
                    continue; // a delete's tombstone
                }
                var envelope = Json.mapper().readTree(record.value());
                assertThat(envelope.path("op").asText()).as(topic + "@" + record.offset() + ": " + record.value()).isIn("c", "u", "d", "r");
                assertThat(envelope.path("source").path("lsn").canConvertToLong()).as(record.value()).isTrue();
                envelopes++;
            }
        }
        assertThat(envelopes).as("the seeded rows and every change since").isGreaterThan(PRODUCTS);
        List<ConsumerRecord<String, String>> watermarks = topics.readAll(namespace.topicPrefix() + ".watermarks");
        assertThat(watermarks).as("the class's catch-ups and audits wrote watermarks").hasSizeGreaterThan(5)
                .allSatisfy(record -> assertThat(Json.mapper().readTree(record.value()).path("ends").isObject()).isTrue());
    }

    // ---- helpers

    private Cli.Result cli(String... args) {
        return Cli.run(io.cachepipe.testsupport.PipelineSettings.of(stack, namespace,
                io.cachepipe.examples.ExampleSchema.CATALOG.viewsLocation()), args);
    }

    private HttpResponse<String> admin(String method, String path, String authorization) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + catalog.pipeline().apiPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Deletes this test's keys only. */
    private long wipeNamespace() {
        return ExamplePipeline.wipe(catalog.pipeline().store().connector(), namespace.keyPrefix());
    }

    private static long number(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        assertThat(matcher.find()).as("'" + regex + "' in:\n" + text).isTrue();
        return Long.parseLong(matcher.group(1).replace(",", ""));
    }

    private double changesApplied(String table) {
        return catalog.pipeline().metrics().find(MetricNames.INVALIDATOR_CHANGES).tag("table", table).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private Admin admin() {
        var props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        return Admin.create(props);
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    }

    /** What the replay should do, worked out by reading the topic itself rather than asking Kafka's time index. */
    private record Independent(Map<TopicPartition, Long> offsets, int changes) {
    }

    private Independent firstOffsetsAtOrAfter(String topic, Instant from) {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (var consumer = new KafkaConsumer<byte[], byte[]>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> first = new HashMap<>();
            int changes = 0;
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.timestamp() >= from.toEpochMilli()) {
                        first.putIfAbsent(new TopicPartition(topic, record.partition()), record.offset());
                        if (record.value() != null) {
                            changes++;
                        }
                    }
                }
            }
            partitions.forEach(partition -> first.putIfAbsent(partition, ends.get(partition)));
            return new Independent(first, changes);
        }
    }

    @SuppressWarnings("unused")
    private static String utf8(byte[] raw) {
        return new String(raw, StandardCharsets.UTF_8);
    }
}
