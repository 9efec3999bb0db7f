package io.cachepipe.bench;

import io.cachepipe.cli.pipeline.CatchUp;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.config.Setting;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.examples.CatalogSeeder;
import io.cachepipe.examples.ExampleSchema;
import io.cachepipe.ops.audit.AuditReport;
import io.cachepipe.ops.audit.CacheAudit;
import io.cachepipe.store.postgres.ConnectionPool;
import io.cachepipe.store.postgres.DataSources;
import io.cachepipe.store.postgres.ViewLoader;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.RedisConnector;
import io.cachepipe.testsupport.PartProcess;
import io.cachepipe.testsupport.TestNamespace;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The four parts as separate processes (child JVMs) on one dev stack, in a namespace of their own:
 * one cdc-capture, and as many invalidators, warmers and APIs as the layout says, configured by
 * {@code CACHEPIPE_*} environment variables exactly as a deployment would be. The bench keeps its own
 * clients on the side (Redis, PostgreSQL, Kafka Admin through {@link KafkaView}) to watch the pipeline
 * and audit the cache.
 */
final class Deployment implements AutoCloseable {
    /** How many of each part run. cdc-capture is always one: one replication slot, one reader. */
    record Layout(String name, int invalidators, int warmers, int apis) {
    }

    private static final Duration READY = Duration.ofMinutes(2);
    static final int PARTITIONS = 6;
    private static final Path LOGS = Path.of("bench", "target", "parts");
    /**
     * Each part's JVM as the image runs it in the pod docs/deploy.md gives it (1 GiB): half the memory as
     * heap, half of that young ({@code NewRatio=1}, set by the image), and the serial collector the JVM
     * picks itself under 1,792 MB. The tests' smaller heap (384 MB, a third young) collected the
     * invalidator's young generation so often that its pauses took a quarter of a drain.
     */
    static final List<String> PART_JVM_OPTIONS = List.of("-Xmx512m", "-XX:NewRatio=1", "-XX:+UseSerialGC");

    private final TestNamespace namespace;
    private final Map<String, String> settings;
    private final KafkaConfig kafka;
    private final ConnectionPool pool;
    private final RedisConnector redis;
    private final CacheStore store;
    private final KafkaView kafkaView;
    private final PartProcess cdc;
    private final List<PartProcess> invalidators = new ArrayList<>();
    private final List<PartProcess> warmers = new ArrayList<>();
    private final List<PartProcess> apis = new ArrayList<>();
    private final List<Integer> apiPorts = new ArrayList<>();
    private final @Nullable CpuLimit cpuLimit;

    private Deployment(DevStack stack, TestNamespace namespace, Layout layout, @Nullable CpuLimit cpuLimit, Map<String, String> overrides) {
        this.namespace = namespace;
        this.cpuLimit = cpuLimit;
        this.settings = BenchPipeline.settings(stack, namespace);
        // Partitions bound how many stream threads share the changes (3 per invalidator): 6, so that the scaled
        // layout's 2 invalidators have work for all 6 of their threads, and the single one the same partitions.
        settings.put("kafka.partitions", Integer.toString(PARTITIONS));
        settings.putAll(overrides);
        Settings parsed = Settings.of(settings);
        var kafkaSection = parsed.section(KafkaConfig::read);
        var postgresSection = parsed.section(PostgresConfig::read);
        var redisSection = parsed.section(RedisConfig::read);
        var cacheSection = parsed.section(CacheConfig::read);
        parsed.validate();
        this.kafka = kafkaSection.get();
        PostgresConfig postgres = postgresSection.get();
        RedisConfig redisConfig = redisSection.get();
        CacheConfig cache = cacheSection.get();
        this.pool = DataSources.pool(postgres, "bench-deployment");
        this.redis = RedisConnector.connect(redisConfig);
        this.store = new CacheStore(redis, new KeySpace(redisConfig.namespace(), ViewsFile.load(cache.viewsFile())), cache,
                Clock.systemUTC(), RandomGenerator.getDefault());
        this.kafkaView = new KafkaView(kafka);
        String name = layout.name().replaceAll("[^a-z0-9]+", "-");
        this.cdc = part(name + "-cdc", "io.cachepipe.cdc.CdcCaptureMain", "cdc.admin-port", Map.of());
        for (int i = 1; i <= layout.invalidators(); i++) {
            invalidators.add(part(name + "-invalidator-" + i, "io.cachepipe.invalidator.InvalidatorMain", "invalidator.admin-port",
                    Map.of("invalidator.state-dir", Path.of("bench", "target", "parts-state", namespace.name() + "-" + i).toAbsolutePath().toString())));
        }
        for (int i = 1; i <= layout.warmers(); i++) {
            warmers.add(part(name + "-warmer-" + i, "io.cachepipe.warmer.WarmerMain", "warmer.admin-port", Map.of()));
        }
        for (int i = 1; i <= layout.apis(); i++) {
            int port = PartProcess.freePort();
            apiPorts.add(port);
            apis.add(part(name + "-api-" + i, "io.cachepipe.api.ApiMain", null, Map.of("api.port", Integer.toString(port))));
        }
    }

    /**
     * Seeds the catalog into a fresh namespace, starts every process and waits until the snapshot is in the cache.
     *
     * @param cpuLimit the CPU each process may use, or null for no limit
     */
    static Deployment start(DevStack stack, Layout layout, int products, int categories, @Nullable CpuLimit cpuLimit) throws Exception {
        return start(stack, layout, products, categories, cpuLimit, Map.of());
    }

    /** @param overrides pipeline settings of this run (keys as in docs/configuration.md), over the defaults */
    static Deployment start(DevStack stack, Layout layout, int products, int categories, @Nullable CpuLimit cpuLimit,
                            Map<String, String> overrides) throws Exception {
        TestNamespace namespace = TestNamespace.create(stack);
        try (Connection connection = namespace.jdbc().connect()) {
            ExampleSchema.CATALOG.create(connection);
            CatalogSeeder.seed(connection, products, categories, 42);
        }
        var deployment = new Deployment(stack, namespace, layout, cpuLimit, overrides);
        try {
            deployment.cdc.start().awaitReady(READY);
            deployment.startConsumers();
            deployment.startApis();
            deployment.awaitCaughtUp(Duration.ofMinutes(5));
            return deployment;
        } catch (RuntimeException e) {
            deployment.close();
            throw e;
        }
    }

    void startConsumers() {
        startInvalidators();
        startWarmers();
    }

    void startInvalidators() {
        startAll(invalidators);
    }

    void startWarmers() {
        startAll(warmers);
    }

    void startApis() {
        startAll(apis);
    }

    /** SIGTERM to every API process. */
    void stopApis() {
        apis.forEach(PartProcess::stop);
    }

    private static void startAll(List<PartProcess> parts) {
        parts.forEach(PartProcess::start);
        parts.forEach(part -> part.awaitReady(READY));
    }

    /**
     * SIGTERM to cdc-capture and every invalidator and warmer: for a measurement of something else
     * (a rebuild) that they would otherwise share the machine with.
     */
    void stopPipeline() {
        warmers.forEach(PartProcess::stop);
        invalidators.forEach(PartProcess::stop);
        cdc.stop();
    }

    /**
     * SIGSTOP to cdc-capture: it reads nothing from its replication slot until thawed, and PostgreSQL
     * keeps the WAL written meanwhile for it. Thaw it within {@code wal_sender_timeout} (60 s by default),
     * or PostgreSQL drops the replication connection.
     */
    void freezeCdc() {
        cdc.freeze();
    }

    void thawCdc() {
        cdc.thaw();
    }

    PartProcess cdc() {
        return cdc;
    }

    /** SIGSTOP to every invalidator and warmer: warm JVMs that process nothing until thawed. */
    void freezeConsumers() {
        invalidators.forEach(PartProcess::freeze);
        warmers.forEach(PartProcess::freeze);
    }

    void thawInvalidators() {
        invalidators.forEach(PartProcess::thaw);
    }

    void thawWarmers() {
        warmers.forEach(PartProcess::thaw);
    }

    List<PartProcess> invalidators() {
        return invalidators;
    }

    List<PartProcess> warmers() {
        return warmers;
    }

    List<PartProcess> apiProcesses() {
        return apis;
    }

    List<InetSocketAddress> apis() {
        return apiPorts.stream().map(port -> new InetSocketAddress("127.0.0.1", port)).toList();
    }

    ConnectionPool pool() {
        return pool;
    }

    CacheStore store() {
        return store;
    }

    KafkaView kafka() {
        return kafkaView;
    }

    /**
     * A command that runs to completion (not started yet), configured by the same {@code CACHEPIPE_*}
     * environment as the parts, with its output in the parts' log folder.
     */
    PartProcess command(String name, String mainClass, List<String> arguments) {
        return PartProcess.builder(mainClass).name(name).environment(environment(settings)).arguments(arguments).logDirectory(LOGS).build();
    }

    /**
     * Waits until every change committed before the call is in the cache. The invalidators' held
     * warm requests are not visible from here: a half-second quiet period outlasts their 20 ms window.
     */
    void awaitCaughtUp(Duration timeout) {
        new CatchUp(pool, store, kafka, kafkaView.warmerGroup(), CatchUp.WarmRequestsSent.quietAfter(() -> 0, Duration.ofMillis(500))).await(timeout);
    }

    AuditReport audit() {
        return new CacheAudit(store, new ViewLoader(pool), pool, Clock.systemUTC(), RandomGenerator.getDefault())
                .run(CacheAudit.Options.everything());
    }

    /** @param adminPortKey the setting of the part's admin port, or null for an API, which is ready on its own port */
    private PartProcess part(String name, String mainClass, @Nullable String adminPortKey, Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(settings);
        values.putAll(extra);
        int readyPort;
        if (adminPortKey != null) {
            readyPort = PartProcess.freePort();
            values.put(adminPortKey, Integer.toString(readyPort));
        } else {
            readyPort = Integer.parseInt(values.get("api.port"));
        }
        var builder = PartProcess.builder(mainClass).name(name).environment(environment(values)).readyPort(readyPort).logDirectory(LOGS);
        List<String> options = new ArrayList<>(PART_JVM_OPTIONS);
        if (cpuLimit != null) {
            builder.onStart(pid -> cpuLimit.apply(name, pid));
            // What a JVM in a pod with this CPU limit sees of the machine, so it sizes its GC, JIT and pools to it.
            options.add("-XX:ActiveProcessorCount=" + (int) Math.max(1, Math.ceil(cpuLimit.cores())));
        }
        builder.jvmOptions(options);
        return builder.build();
    }


    /** Settings as the environment variables a deployment sets (docs/configuration.md). */
    private static Map<String, String> environment(Map<String, String> values) {
        Map<String, String> environment = new HashMap<>();
        values.forEach((key, value) -> environment.put(key.equals("cache.enabled") ? "CACHE_ENABLED" : Setting.envName(key), value));
        return environment;
    }

    @Override
    public void close() {
        apis.forEach(PartProcess::close);
        warmers.forEach(PartProcess::close);
        invalidators.forEach(PartProcess::close);
        cdc.close();
        kafkaView.close();
        redis.close();
        pool.close();
        namespace.close();
    }
}
