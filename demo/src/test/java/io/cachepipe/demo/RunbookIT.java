package io.cachepipe.demo;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.cli.Cli;
import io.cachepipe.cli.ExamplePipeline;
import io.cachepipe.cli.ops.AuditCommand;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.examples.ExampleSchema;
import io.cachepipe.store.postgres.ViewLoader;
import io.cachepipe.store.redis.CacheLoss;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.HotKeyStore;
import io.cachepipe.store.redis.ReadResult;
import io.cachepipe.testsupport.Jdbc;
import io.cachepipe.testsupport.PipelineSettings;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The runbook as an operator runs it: the demo in one terminal, operator commands in another, each
 * command exactly as README.md's "Operating it" block and docs/operations.md's scenario blocks print
 * it ({@link Runbook}), through the CLI's own entry point, with no settings but those the demo wrote.
 * Each scenario first creates the situation it is for (Redis loses the namespace, a release skips
 * changes, a launch, a view that rendered wrong values), runs its block, and checks what the runbook
 * promises, including each command's exit status.
 *
 * <p>One demo for the class, on the shared dev stack in this class's namespace; the tests run in the
 * order of the runbook.
 */
@WithDevStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunbookIT {
    private static final int PRODUCTS = 300;
    private static final int CATEGORIES = 6;
    private static final Pattern EXPORT_LINE = Pattern.compile("(?m)^\\s*(export CACHEPIPE_CONFIG=\\S+)\\s*$");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private DevStack stack;
    private TestNamespace namespace;
    private Path home;
    private Demo demo;
    private String demoPrinted;
    private ViewLoader loader;

    @BeforeAll
    void startTheDemo(DevStack stack, TestNamespace namespace) throws Exception {
        this.stack = stack;
        this.namespace = namespace;
        // The directory the demo was started in: its data directory is the default .cachepipe/ there.
        home = Path.of("target", "runbook", namespace.name()).toAbsolutePath();
        Map<String, String> ownNamespace = PipelineSettings.of(stack, namespace, ExampleSchema.CATALOG.viewsLocation());
        ownNamespace.put("invalidator.commit-interval", "200ms");
        var printed = new ByteArrayOutputStream();
        demo = Demo.start(stack, new Demo.Options(home.resolve(".cachepipe"), PRODUCTS, CATEGORIES, 0, ownNamespace),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        demoPrinted = printed.toString(StandardCharsets.UTF_8);
        var dataSource = new org.postgresql.ds.PGSimpleDataSource();
        dataSource.setURL(namespace.jdbcUrl());
        dataSource.setUser(stack.postgres().user());
        dataSource.setPassword(stack.postgres().password());
        loader = new ViewLoader(dataSource);
        System.out.print(demoPrinted);
        demo.pipeline().awaitCaughtUp(Duration.ofSeconds(60));
    }

    @AfterAll
    void stopTheDemo() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    @Order(1)
    void theReadmesOperatingBlock_runsAsPrinted_inANewTerminalInTheDemosDirectory() {
        List<Terminal.Step> steps = new Terminal(home, Map.of()).run(Runbook.block(Runbook.README, "operating-it"));

        assertThat(steps).hasSize(7).allSatisfy(step -> {
            assertThat(step.result().exit()).as(step.describe()).isEqualTo(step.line().expectedExit()).isZero();
            assertThat(step.result().err()).as(step.describe())
                    .contains("cachepipe: settings from " + demo.settingsFile() + " (found in .cachepipe/");
        });
        assertThat(steps.get(0).result().out()).as("an audit of a cache nobody read yet: nothing compared, so not CLEAN")
                .contains("NOTHING TO CHECK").doesNotContain("CLEAN");
        assertThat(steps.get(2).result().out()).as("cachepipe db on the demo")
                .containsPattern("product-reviews +Index Scan using reviews_product_id_idx on reviews")
                .contains("Top statements by total time (pg_stat_statements").doesNotContain("not installed").doesNotContain("WARNING");
        assertThat(steps.get(3).result().out()).contains("rebuild done").contains("batches retried");
    }

    @Test
    @Order(2)
    void theDemosExportLine_pointsATerminalAnywhereAtIt_andWithoutItTheCommandSaysWhereSettingsComeFrom() {
        Matcher export = EXPORT_LINE.matcher(demoPrinted);
        assertThat(export.find()).as(demoPrinted).isTrue();
        assertThat(export.group(1)).isEqualTo("export CACHEPIPE_CONFIG=" + demo.settingsFile());
        Path elsewhere = Path.of("target").toAbsolutePath();

        Cli.Result lost = new Terminal(elsewhere, Map.of()).cachepipe(List.of("stats"));
        assertThat(lost.exit()).as(lost.text()).isEqualTo(2);
        assertThat(lost.err()).contains("postgres.url is required").contains("export CACHEPIPE_CONFIG=")
                .contains("the directory the demo was started in");

        List<Terminal.Step> pointed = new Terminal(elsewhere, Map.of()).run(List.of(export.group(1), "cachepipe stats"));
        assertThat(pointed).singleElement().satisfies(step -> {
            assertThat(step.result().exit()).as(step.describe()).isZero();
            assertThat(step.result().err()).contains("settings from " + demo.settingsFile() + " (CACHEPIPE_CONFIG)");
            assertThat(step.result().out()).contains("Cache (namespace " + namespace.keyPrefix() + ")");
        });
    }

    @Test
    @Order(3)
    void redisLost_theAuditSaysSo_andTheRebuildRefillsEveryViewWhileWritesGoOn() throws Exception {
        for (long id = 1; id <= 30; id++) {
            get("/products/" + id);
        }
        long wiped = ExamplePipeline.wipe(demo.pipeline().store().connector(), namespace.keyPrefix());
        assertThat(wiped).as("keys Redis lost").isPositive();
        await("the invalidator to notice the loss").until(() -> loss().isPresent());

        List<Terminal.Step> steps;
        long writesBefore;
        Traffic traffic = Traffic.start(demo.pipeline().apiPort(), jdbc(), PRODUCTS);
        try (traffic) {
            await("the traffic's first writes").until(() -> traffic.writes() >= 2);
            writesBefore = traffic.writes();
            steps = new Terminal(home, Map.of()).run(Runbook.block(Runbook.OPERATIONS, "redis-lost"));
            assertThat(traffic.writes()).as("writes while the block ran").isGreaterThan(writesBefore);
        }
        System.out.println("traffic during the redis-lost block: " + traffic);
        assertThat(traffic.failures()).as("requests that failed while Redis was rebuilt").isZero();
        steps.forEach(step -> assertThat(step.result().exit()).as(step.describe()).isEqualTo(step.line().expectedExit()));
        Terminal.Step auditBefore = step(steps, "audit", 0);
        assertThat(auditBefore.line().expectedExit()).isEqualTo(AuditCommand.EXPECTED_ENTRIES_MISSING);
        assertThat(auditBefore.result().out()).contains("LOST: Redis lost this namespace's entries at");
        Terminal.Step rebuild = step(steps, "rebuild", 0);
        assertThat(rebuild.result().out()).contains("product                  row images").contains("batches retried")
                .contains("the record of Redis losing this namespace is removed");
        assertThat(loss()).isEmpty();

        // Once the writes have settled, the block's last audit again: every registered entry accounted for and none
        // differs. An entry is compared unless a change invalidated it while the rebuild ran (the rebuild's older value
        // was then refused, rightly): such an entry holds no value until a read fills it. None is gone.
        demo.pipeline().awaitCaughtUp(Duration.ofSeconds(60));
        Terminal.Step auditAfter = steps.get(steps.size() - 1);
        assertThat(auditAfter.line().words()).contains("audit");
        Cli.Result quiet = new Terminal(home, Map.of()).cachepipe(auditAfter.line().words().subList(1, auditAfter.line().words().size()));
        assertThat(quiet.exit()).as(quiet.text()).isZero();
        assertThat(quiet.out()).contains("CLEAN: compared ").contains(" 0 expired, 0 gone");
        long compared = number(quiet.out(), "compared (\\d+) cached values");
        long pending = number(quiet.out(), "(\\d+) pending");
        assertThat(number(quiet.out(), "of (\\d+) registered entries")).isEqualTo(compared + pending);
        assertThat(pending).as("entries a write invalidated during the rebuild").isLessThanOrEqualTo(3 * traffic.writes());
        assertThat(compared).isGreaterThanOrEqualTo(PRODUCTS + CATEGORIES - pending);
    }

    @Test
    @Order(4)
    void aBadDeploy_replayFromTheReleaseTime_reappliesWhatItSkipped() throws Exception {
        List<CacheKey> keys = LongStream.rangeClosed(101, 110).mapToObj(id -> key("product", id)).toList();
        for (CacheKey key : keys) {
            get("/products/" + key.params().get("id"));
        }
        await().untilAsserted(() -> keys.forEach(key -> assertThat(cached(key)).isEqualTo(expected(key))));

        // The bad release: from its start on, the invalidator consumed changes without applying them.
        Instant badRelease = Instant.now();
        await().until(() -> Instant.now().isAfter(badRelease.plusMillis(1)));
        demo.pipeline().stopConsumers();
        try (Admin admin = admin()) {
            Map<TopicPartition, Long> before = productTopicEnds(admin);
            jdbc().update("UPDATE products SET price = price + 100 WHERE id BETWEEN 101 AND 110");
            await("cdc-capture to publish the changes").until(() -> productTopicEnds(admin).entrySet().stream()
                    .mapToLong(end -> end.getValue() - before.get(end.getKey())).sum() >= keys.size());
            skipEverythingPublished(admin, demo.pipeline().config().invalidator().applicationId());
        }
        demo.pipeline().startConsumers();
        Cli.Result stale = new Terminal(home, Map.of()).cachepipe(List.of("audit", "--views", "product", "--settle", "20s"));
        assertThat(stale.exit()).as(stale.text()).isEqualTo(AuditCommand.INCOHERENT);

        List<Terminal.Step> steps = new Terminal(home, Map.of())
                .run(Runbook.block(Runbook.OPERATIONS, "bad-deploy"), Map.of("BAD_RELEASE", badRelease.toString()));

        steps.forEach(step -> assertThat(step.result().exit()).as(step.describe()).isEqualTo(step.line().expectedExit()));
        assertThat(step(steps, "replay", 0).result().out()).contains("dry run: nothing moved");
        assertThat(step(steps, "replay", 1).result().out()).contains("caught up");
        assertThat(step(steps, "audit", 0).result().out()).contains("CLEAN");
        await().untilAsserted(() -> keys.forEach(key -> assertThat(cached(key)).isEqualTo(expected(key))));
    }

    @Test
    @Order(5)
    void beforeALaunch_warmHot_loadsTheKeysTrafficReadMost() throws Exception {
        List<CacheKey> hot = LongStream.rangeClosed(201, 210).mapToObj(id -> key("product", id)).toList();
        for (int round = 0; round < 20; round++) {
            for (CacheKey key : hot) {
                get("/products/" + key.params().get("id"));
            }
        }
        var hotKeys = new HotKeyStore(store());
        await("the API to report its hot keys").until(() -> hotKeys.top(1000).keySet()
                .containsAll(hot.stream().map(CacheKey::redisKey).toList()));
        for (CacheKey key : hot) {
            store().flush(key.redisKey()).toCompletableFuture().join();
            assertThat(cached(key)).isNull();
        }

        List<Terminal.Step> steps = new Terminal(home, Map.of()).run(Runbook.block(Runbook.OPERATIONS, "before-a-launch"));

        steps.forEach(step -> assertThat(step.result().exit()).as(step.describe()).isEqualTo(step.line().expectedExit()));
        assertThat(step(steps, "warm", 0).result().out()).contains(hot.stream().map(key -> "would warm " + key.redisKey()).toList());
        for (CacheKey key : hot) {
            assertThat(cached(key)).as(key.redisKey()).isEqualTo(expected(key));
        }
    }

    @Test
    @Order(6)
    void aBadView_flushByPattern_dropsItsWrongValues_andReadsFillThemRight() throws Exception {
        List<CacheKey> bad = LongStream.of(4, 40, 41, 42).mapToObj(id -> key("product", id)).toList();
        CacheKey other = key("product", 5);
        for (CacheKey key : concat(bad, other)) {
            get("/products/" + key.params().get("id"));
        }
        await().untilAsserted(() -> concat(bad, other).forEach(key -> assertThat(cached(key)).isEqualTo(expected(key))));
        // What a view with a wrong definition rendered, at the version of the row it read: no change will replace it.
        for (CacheKey key : bad) {
            ReadResult.Hit hit = store().peek(key).toCompletableFuture().join().orElseThrow();
            String wrong = new String(hit.value(), StandardCharsets.UTF_8).replaceAll("\"price\":[0-9.]+", "\"price\":-1");
            assertThat(store().write(key, hit.version(), wrong.getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join()).isTrue();
        }
        Cli.Result wrong = new Terminal(home, Map.of()).cachepipe(List.of("audit", "--views", "product", "--settle", "20s"));
        assertThat(wrong.exit()).as(wrong.text()).isEqualTo(AuditCommand.INCOHERENT);

        List<Terminal.Step> steps = new Terminal(home, Map.of()).run(Runbook.block(Runbook.OPERATIONS, "bad-view"));

        steps.forEach(step -> assertThat(step.result().exit()).as(step.describe()).isEqualTo(step.line().expectedExit()));
        assertThat(step(steps, "flush", 0).result().out()).contains("would flush product matching product:4*");
        for (CacheKey key : bad) {
            assertThat(cached(key)).as(key.redisKey()).isNull();
            assertThat(get("/products/" + key.params().get("id")).body()).isEqualTo(expected(key));
        }
        assertThat(cached(other)).isEqualTo(expected(other));
        assertThat(step(steps, "audit", 0).result().out()).contains("CLEAN");
    }

    // ---- helpers

    private static Terminal.Step step(List<Terminal.Step> steps, String command, int nth) {
        return steps.stream().filter(step -> step.line().words().get(1).equals(command)).skip(nth).findFirst()
                .orElseThrow(() -> new AssertionError("no " + (nth + 1) + ". `cachepipe " + command + "` in the block"));
    }

    private Optional<CacheLoss.Loss> loss() {
        return new CacheLoss(store()).recorded().toCompletableFuture().join();
    }

    private CacheStore store() {
        return demo.pipeline().store();
    }

    private Jdbc jdbc() {
        return namespace.jdbc();
    }

    private CacheKey key(String view, long id) {
        String param = view.equals("product") ? "id" : "product_id";
        return store().keySpace().key(demo.pipeline().catalog().view(view).orElseThrow(), Map.of(param, id));
    }

    private String cached(CacheKey key) {
        return store().peek(key).toCompletableFuture().join().map(hit -> new String(hit.value(), StandardCharsets.UTF_8))
                .orElse(null);
    }

    /** What the database says the key should hold now, rendered exactly as the cache renders it. */
    private String expected(CacheKey key) {
        try {
            return new String(loader.load(key.view(), key.params()), StandardCharsets.UTF_8);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot load " + key.redisKey() + ": " + e.getMessage(), e);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.pipeline().apiPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private Admin admin() {
        var props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        return Admin.create(props);
    }

    private Map<TopicPartition, Long> productTopicEnds(Admin admin) throws Exception {
        String topic = namespace.topicPrefix() + ".public.products";
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        for (int partition = 0; partition < partitions; partition++) {
            latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new java.util.HashMap<>();
        admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }

    /** Commits the end of every partition the group has an offset for: what a release that consumed without applying leaves. */
    private static void skipEverythingPublished(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        Map<TopicPartition, OffsetAndMetadata> ends = new java.util.HashMap<>();
        admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, new OffsetAndMetadata(info.offset())));
        admin.alterConsumerGroupOffsets(group, ends).all().get();
    }

    private static List<CacheKey> concat(List<CacheKey> keys, CacheKey more) {
        return java.util.stream.Stream.concat(keys.stream(), java.util.stream.Stream.of(more)).toList();
    }

    private static long number(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        assertThat(matcher.find()).as("'" + regex + "' in:\n" + text).isTrue();
        return Long.parseLong(matcher.group(1));
    }
}
