package io.cachepipe.demo;

import io.cachepipe.core.config.SettingsFile;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.devstack.DevStackOptions;
import io.cachepipe.devstack.KafkaClusterStack;
import io.cachepipe.devstack.RedisClusterStack;
import io.cachepipe.examples.CatalogSeeder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cachepipe demo}: real PostgreSQL, Kafka and Redis (no Docker needed), the demo catalog
 * seeded, and all four processes in this JVM. Prints where everything is, then runs until Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start PostgreSQL, Kafka and Redis, seed the demo catalog, and run the whole pipeline in this JVM.",
                "With --schema and --views: your own tables instead of the catalog, to try cachepipe on them."},
        footer = {"", "Exit codes: 0 stopped with Ctrl-C, 1 failed, 2 bad arguments (a file that does not exist, --schema without "
                + "--views)."})
final class DemoCommand implements Callable<Integer> {
    /** Longest wait for the initial snapshot to pass through the pipeline (10k products take seconds). */
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(10);

    @Option(names = "--data-dir", description = "where the servers keep binaries and data, and where operator commands "
            + "find the demo's settings (default: ${DEFAULT-VALUE})")
    Path dataDir = SettingsFile.DEFAULT_DIRECTORY;

    @Option(names = "--fresh", description = "delete the data directory first")
    boolean fresh;

    @Option(names = "--products", description = "products to seed on first start (default: ${DEFAULT-VALUE})")
    int products = CatalogSeeder.DEFAULT_PRODUCTS;

    @Option(names = "--categories", description = "categories to seed on first start (default: ${DEFAULT-VALUE})")
    int categories = CatalogSeeder.DEFAULT_CATEGORIES;

    @Option(names = "--schema", paramLabel = "<file.sql>", description = "your SQL script, run into the demo database on every "
            + "start instead of the catalog's schema and seed: create your tables (IF NOT EXISTS) and fill them")
    @Nullable Path schema;

    @Option(names = "--views", paramLabel = "<file.yaml>", description = "your views file (as examples/catalog/views.yaml), checked against the "
            + "schema at start; the demo serves its routes")
    @Nullable Path views;

    @Spec
    @SuppressWarnings("NullAway.Init") // picocli injects it
    CommandSpec spec;

    @Option(names = "--api-port", description = "port of the HTTP API (default: ${DEFAULT-VALUE})")
    int apiPort = 8080;

    @Option(names = "--postgres-port", description = "PostgreSQL port (default: a free port)")
    int postgresPort;

    @Option(names = "--kafka-port", description = "Kafka port (default: a free port)")
    int kafkaPort;

    @Option(names = "--redis-port", description = "Redis port (default: a free port)")
    int redisPort;

    @Option(names = "--provider", description = "where the servers come from: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    DevStackOptions.Provider provider = DevStackOptions.Provider.AUTO;

    @Option(names = "--cluster", description = "the pipeline's Kafka as three brokers in three JVMs (replication factor 3, "
            + "min.insync.replicas 2) and its Redis as a Redis Cluster of three masters with a replica each; kill a broker or "
            + "a master and watch the demo go on. Under <data dir>/kafka-cluster and <data dir>/redis-cluster, empty on every start")
    boolean cluster;

    @Override
    public Integer call() throws Exception {
        Demo.Data data;
        try {
            data = data();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("cachepipe demo: " + e.getMessage());
            return 2;
        }
        long started = System.nanoTime();
        if (fresh) {
            deleteRecursively(dataDir);
        }
        Files.createDirectories(dataDir);
        var environment = DevStackOptions.fromEnvironment(dataDir);
        var options = new DevStackOptions(dataDir.toAbsolutePath(), provider, postgresPort, kafkaPort, redisPort,
                environment.externalPostgresUrl(), environment.externalPostgresUser(), environment.externalPostgresPassword(),
                environment.externalKafkaBootstrap(), environment.externalRedisUrl());
        System.out.println("Starting PostgreSQL, Kafka and Redis under " + dataDir.toAbsolutePath() + " ...");
        DevStack stack = DevStack.start(options);
        @Nullable KafkaClusterStack brokers = null;
        @Nullable RedisClusterStack redisCluster = null;
        Demo demo;
        try {
            if (cluster) {
                System.out.println("Starting three Kafka brokers under " + dataDir.toAbsolutePath().resolve("kafka-cluster") + " ...");
                // Closed by the stack, after the pipeline (registered later, closed first), not by a hook of its own
                // that the JVM would run at the same time as the stack's.
                brokers = KafkaClusterStack.start(dataDir).closedByCaller();
                stack.closeFirst(brokers);
                System.out.println("Starting a Redis Cluster of three masters and three replicas under "
                        + dataDir.toAbsolutePath().resolve("redis-cluster") + " ...");
                redisCluster = RedisClusterStack.startWithReplicas(dataDir).closedByCaller();
                stack.closeFirst(redisCluster);
            }
            Map<String, String> overrides = brokers == null || redisCluster == null ? Map.of()
                    : Map.of("kafka.bootstrap", brokers.bootstrapServers(), "kafka.replication-factor", "3",
                            "redis.cluster-nodes", String.join(",", redisCluster.seedUris()));
            demo = Demo.start(stack, new Demo.Options(dataDir, data, apiPort, overrides), System.out);
        } catch (Exception e) {
            stack.close();
            throw e;
        }
        String kafka = brokers == null ? stack.kafka().bootstrapServers() : brokers.bootstrapServers();
        String redis = redisCluster == null ? "redis-cli -h " + stack.redis().host() + " -p " + stack.redis().port()
                : "redis-cli -c -p " + redisCluster.ports().getFirst() + "    (cluster nodes: " + redisCluster.ports() + ")";
        var stopping = new AtomicBoolean();
        var stopped = new CountDownLatch(1);
        stack.closeFirst(() -> {
            stopping.set(true);
            System.out.println("\nStopping cachepipe demo ...");
            demo.close();
            stopped.countDown();
        });
        if (awaitCaughtUp(demo, stopping)) {
            long readyMillis = (System.nanoTime() - started) / 1_000_000;
            System.out.println(data instanceof Demo.OwnSchema own
                    ? DemoBanner.own(stack, kafka, redis, own, demo.pipeline().catalog(), demo.pipeline().apiPort(), demo.settingsFile(),
                            readyMillis)
                    : DemoBanner.text(stack, kafka, redis, demo.pipeline().apiPort(), demo.settingsFile(), readyMillis));
        }
        stopped.await(); // until Ctrl-C: the shutdown hook stops the pipeline, then the stack
        return 0;
    }

    /** The example catalog, or the user's schema and views: both given and both readable files, or neither. */
    Demo.Data data() {
        if (schema == null && views == null) {
            return new Demo.ExampleCatalog(products, categories);
        }
        if (schema == null || views == null) {
            throw new IllegalArgumentException("--schema and --views go together: the views file describes the tables the schema "
                    + "creates (give both, or neither for the demo catalog)");
        }
        List<String> problems = new ArrayList<>();
        for (Path file : List.of(schema, views)) {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                problems.add((file == schema ? "--schema " : "--views ") + file + ": no such readable file");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new Demo.OwnSchema(schema, views);
    }

    /**
     * Waits until every row the snapshot copied and every change before now is in the cache, so that
     * the first UPDATE a user makes after the banner is not queued behind tens of thousands of
     * snapshot events. False when the demo is being stopped meanwhile. Says how long it waited, and how
     * long since the pipeline began to start (Debezium's own start, then the snapshot): what
     * {@code bin/bench demo} reads.
     */
    private static boolean awaitCaughtUp(Demo demo, AtomicBoolean stopping) {
        System.out.println("Waiting for the pipeline to catch up: Debezium's initial snapshot (every existing row) "
                + "has to pass through Kafka, the invalidator and the warmer first ...");
        long started = System.nanoTime();
        try {
            demo.pipeline().awaitCaughtUp(CATCH_UP_TIMEOUT);
        } catch (RuntimeException e) {
            if (stopping.get()) {
                return false;
            }
            throw new IllegalStateException("The pipeline did not catch up with the database within " + CATCH_UP_TIMEOUT
                    .toSeconds() + " s (" + e.getMessage() + "); the log above says which part is stuck", e);
        }
        long now = System.nanoTime();
        System.out.printf(Locale.ROOT, "Caught up in %.1f s (%.1f s since the pipeline started).%n", (now - started) / 1e9,
                (now - demo.pipelineStartedNanos()) / 1e9);
        return true;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
