package io.cachepipe.ops.rebuild;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.examples.ExampleSchema;
import io.cachepipe.store.redis.CacheBatch;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.RedisConnector;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Rebuild throughput of a plain row view next to pipelined {@code SET} throughput on the same Redis,
 * in one run, so the ratios say what each layer costs: the entry's shape (a hash with value and
 * version, and an expiry: two commands where SET is one), the version guard and the registry on top
 * of it, and the rebuild's own Kafka read and rendering on top of those. Each row also gives the CPU
 * Redis spent per row: where it nears the row's whole time, Redis was the limit, and where it does
 * not, the client was (the rebuild's own thread, or the writes' encoding).
 * The change topic is filled with Debezium-shaped snapshot records (the rebuild reads only the
 * topic; the database is asked for the column types once).
 *
 * <p>Rows: {@code -Drebuild.benchmark.rows=1000000} (default 50,000, so that {@code verify} stays quick):
 * <pre>./mvnw -pl ops -am verify -Dit.test=RebuildBenchmarkIT -Drebuild.benchmark.rows=1000000 -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false</pre>
 * Results go to stdout and {@code ops/target/rebuild-benchmark.md}.
 */
@WithDevStack
class RebuildBenchmarkIT {
    private static final int ROWS = Integer.getInteger("rebuild.benchmark.rows", 50_000);
    /** The value every write below writes: a product's row view, about 130 bytes. */
    private static final byte[] VALUE = ("{\"id\":1,\"sku\":\"SKU-1\",\"name\":\"Product 1\",\"price\":12.34,\"stock\":5,\"category_id\":3,"
            + "\"updated_at\":\"2026-11-22T01:34:36.948935Z\"}").getBytes(StandardCharsets.UTF_8);

    @Test
    void rebuildOfARowView_againstPipelinedSet(DevStack stack, TestNamespace namespace) throws Exception {
        try (Connection connection = namespace.jdbc().connect()) {
            ExampleSchema.CATALOG.create(connection);
        }
        String topic = namespace.topicPrefix() + ".public.products";
        long produceStarted = System.nanoTime();
        produce(stack, topic);
        double produceSeconds = (System.nanoTime() - produceStarted) / 1e9;

        ViewCatalog catalog = ViewsFile.load(ExampleSchema.CATALOG.viewsLocation());
        var redisConfig = new RedisConfig(URI.create(stack.redis().uri()), List.of(), namespace.keyPrefix(), Duration.ofSeconds(10));
        var cacheConfig = new CacheConfig(true, ExampleSchema.CATALOG.viewsLocation(), Duration.ofSeconds(2), Duration.ofSeconds(60));
        var dataSource = new PGSimpleDataSource();
        dataSource.setURL(namespace.jdbcUrl());
        dataSource.setUser(stack.postgres().user());
        dataSource.setPassword(stack.postgres().password());
        RebuildReport report;
        Measured rebuild;
        Measured guarded;
        try (RedisConnector redis = RedisConnector.connect(redisConfig)) {
            var store = new CacheStore(redis, new KeySpace(namespace.keyPrefix(), catalog), cacheConfig, Clock.systemUTC(),
                    RandomGenerator.getDefault());
            var rebuilder = new Rebuilder(new KafkaConfig(stack.kafka().bootstrapServers(), namespace.topicPrefix(), 3, (short) 1),
                    catalog, store, dataSource);
            RebuildReport[] run = new RebuildReport[1];
            rebuild = measure(stack, () -> {
                run[0] = rebuilder.run(new Rebuilder.Options(Set.of("product"), 500, true), Progress.NONE);
                return run[0].recordsPerSecond();
            });
            report = run[0];
            ViewDefinition product = catalog.view("product").orElseThrow();
            clear(stack, namespace.keyPrefix());
            guardedWrites(store, product, 3L * ROWS, Math.min(ROWS, 50_000)); // warm-up, as the SET runs get one
            guarded = measure(stack, () -> guardedWrites(store, product, ROWS, ROWS));
        }
        assertThat(report.records()).isEqualTo(ROWS);
        assertThat(report.rowWrites()).isEqualTo(ROWS);
        assertThat(report.dbQueries()).isZero();

        clear(stack, namespace.keyPrefix());
        pipelinedSet(stack, namespace.keyPrefix() + "bench:warm-up:", true, Math.min(ROWS, 50_000));
        Measured pipelined = measure(stack, () -> pipelinedSet(stack, namespace.keyPrefix() + "bench:pipelined:", true));
        clear(stack, namespace.keyPrefix());
        Measured async = measure(stack, () -> pipelinedSet(stack, namespace.keyPrefix() + "bench:async:", false));
        clear(stack, namespace.keyPrefix());
        entryWrites(stack, namespace.keyPrefix() + "bench:entry-warm-up:", Math.min(ROWS, 50_000));
        Measured entries = measure(stack, () -> entryWrites(stack, namespace.keyPrefix() + "bench:entry:", ROWS));
        double set = pipelined.perSecond();
        String result = String.format(Locale.ROOT, """
                | measure (%,d rows, one run, %s) | per second | ratio to pipelined SET | Redis CPU per row |
                | --- | ---: | ---: | ---: |
                | rebuild, row view from the change topic (read Kafka, render, version-guarded write + registry) | %,.0f | %.2f | %.1f µs |
                | version-guarded writes + registry alone (CacheBatch of 500, values rendered beforehand: no Kafka, no parsing) | %,.0f | %.2f | %.1f µs |
                | the same entries without a guard or registry (HSET value and version, PEXPIRE; flushed every 1,000 keys) | %,.0f | %.2f | %.1f µs |
                | SET, Lettuce async, flushed every 1,000 commands (redis-benchmark -P 1000 style) | %,.0f | 1.00 | %.1f µs |
                | SET, Lettuce async, auto-flush (as the rebuild issues commands) | %,.0f | %.2f | %.1f µs |
                | (filling the topic with the producer, for scale) | %,.0f | | |
                """, ROWS, Runtime.getRuntime().availableProcessors() + " cores", rebuild.perSecond(), rebuild.perSecond() / set,
                rebuild.redisMicrosPerRow(), guarded.perSecond(), guarded.perSecond() / set, guarded.redisMicrosPerRow(), entries.perSecond(),
                entries.perSecond() / set, entries.redisMicrosPerRow(), set, pipelined.redisMicrosPerRow(), async.perSecond(),
                async.perSecond() / set, async.redisMicrosPerRow(), ROWS / produceSeconds);
        System.out.println(result);
        Files.writeString(Path.of("target", "rebuild-benchmark.md"), result);
    }

    /**
     * The ceiling of any rebuild that keeps the version guard: the same number of product keys written
     * through {@link CacheBatch#write} in batches of 500, two in flight as the rebuild keeps them, with
     * values rendered before the clock starts. What is left between this and SET is the guard's own cost
     * in Redis (a script reading the version, writing value and version, setting the TTL, and the registry).
     */
    private static double guardedWrites(CacheStore store, ViewDefinition view, long firstId, int count) {
        List<CacheKey> keys = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            keys.add(store.keySpace().key(view, Map.of("id", firstId + i)));
        }
        Version version = new Version(10_000_000L);
        long started = System.nanoTime();
        CompletableFuture<?> previous = CompletableFuture.completedFuture(null);
        for (int from = 0; from < keys.size(); from += 500) {
            CacheBatch batch = store.batch();
            keys.subList(from, Math.min(keys.size(), from + 500)).forEach(key -> batch.write(key, version, VALUE));
            CompletableFuture<?> current = batch.execute().toCompletableFuture();
            previous.join();
            previous = current;
        }
        previous.join();
        return count / ((System.nanoTime() - started) / 1e9);
    }

    /**
     * A rate, and the CPU Redis spent per row meanwhile ({@code INFO cpu}, its main thread and the kernel's
     * work for it): where it nears the row's whole time at that rate, Redis was the limit.
     */
    private record Measured(double perSecond, double redisMicrosPerRow) {
    }

    /** One measure's run, answering rows per second. */
    private interface Rate {
        double perSecond() throws Exception;
    }

    /** Runs one measure of {@link #ROWS} rows (or as many as it writes at {@code ROWS}); answers its rate and Redis's CPU per row. */
    private static Measured measure(DevStack stack, Rate run) throws Exception {
        double before = redisCpuSeconds(stack);
        double perSecond = run.perSecond();
        return new Measured(perSecond, (redisCpuSeconds(stack) - before) * 1e6 / ROWS);
    }

    /**
     * Drops every key of the namespace (SCAN and UNLINK), so that each measure writes into a Redis as
     * empty as the first one did: a Redis holding millions of keys already spends more per write
     * (SET took 5.9 µs of its CPU per key after 3 million keys, 3.3 µs on an empty one).
     */
    private static void clear(DevStack stack, String prefix) {
        RedisClient client = RedisClient.create(stack.redis().uri());
        try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
            var commands = connection.sync();
            ScanArgs match = ScanArgs.Builder.matches(prefix + "*").limit(10_000);
            KeyScanCursor<byte[]> cursor = commands.scan(match);
            while (true) {
                if (!cursor.getKeys().isEmpty()) {
                    commands.unlink(cursor.getKeys().toArray(byte[][]::new));
                }
                if (cursor.isFinished()) {
                    break;
                }
                cursor = commands.scan(cursor, match);
            }
        } finally {
            client.shutdown();
        }
    }

    private static double redisCpuSeconds(DevStack stack) {
        RedisClient client = RedisClient.create(stack.redis().uri());
        try (var connection = client.connect()) {
            double seconds = 0;
            for (String line : connection.sync().info("cpu").split("\r?\n")) {
                if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                    seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return seconds;
        } finally {
            client.shutdown();
        }
    }

    private static void produce(DevStack stack, String topic) throws Exception {
        var adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        try (Admin admin = Admin.create(adminProps)) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1).configs(Map.of("cleanup.policy", "compact")))).all().get();
        }
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (var producer = new KafkaProducer<byte[], byte[]>(props)) {
            long now = System.currentTimeMillis();
            for (int id = 1; id <= ROWS; id++) {
                String key = "{\"id\":" + id + "}";
                String value = "{\"before\":null,\"after\":{\"id\":" + id + ",\"sku\":\"SKU-" + id + "\",\"name\":\"Product " + id
                        + "\",\"price\":\"" + (id % 1000) + "." + (id % 100 < 10 ? "0" : "") + id % 100 + "\",\"stock\":" + id % 300
                        + ",\"category_id\":" + (id % 50 + 1) + ",\"updated_at\":\"2026-11-22T01:34:36.948935Z\"},"
                        + "\"source\":{\"version\":\"3.6.3.Final\",\"connector\":\"postgresql\",\"name\":\"bench\",\"ts_ms\":" + now
                        + ",\"snapshot\":\"true\",\"db\":\"bench\",\"sequence\":\"[null,\\\"" + (1000 + id) + "\\\"]\",\"schema\":\"public\","
                        + "\"table\":\"products\",\"txId\":1,\"lsn\":" + (1000 + id) + "},\"op\":\"r\",\"ts_ms\":" + now + "}";
                producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /**
     * What a cache entry's shape costs before any guard: the value and its version in a hash, and its
     * expiry, as the guarded write leaves them, written by plain pipelined commands (HSET, PEXPIRE)
     * flushed every 1,000 keys like the SETs. Two commands and a hash where SET is one command and a
     * string: the ceiling of any rebuild that writes these entries, guard or not.
     */
    private static double entryWrites(DevStack stack, String prefix, int count) {
        Map<byte[], byte[]> fields = new java.util.LinkedHashMap<>();
        fields.put("d".getBytes(StandardCharsets.UTF_8), VALUE);
        fields.put("v".getBytes(StandardCharsets.UTF_8), new Version(10_000_000L).hex().getBytes(StandardCharsets.UTF_8));
        return pipelined(stack, count, true, (commands, i) -> {
            byte[] key = (prefix + i).getBytes(StandardCharsets.UTF_8);
            return List.of(commands.hset(key, fields), commands.pexpire(key, 3_600_000));
        });
    }

    /** SETs of {@link #VALUE}; {@code manualFlush} writes 1,000 commands per flush, as redis-benchmark -P does. */
    private static double pipelinedSet(DevStack stack, String prefix, boolean manualFlush) {
        return pipelinedSet(stack, prefix, manualFlush, ROWS);
    }

    private static double pipelinedSet(DevStack stack, String prefix, boolean manualFlush, int count) {
        return pipelined(stack, count, manualFlush, (commands, i) -> List.of(commands.set((prefix + i).getBytes(StandardCharsets.UTF_8), VALUE)));
    }

    /** Writes {@code count} keys with the commands {@code write} issues for each, waiting every 1,000 keys; answers keys per second. */
    private static double pipelined(DevStack stack, int count, boolean manualFlush,
                                    BiFunction<RedisAsyncCommands<byte[], byte[]>, Integer, List<RedisFuture<?>>> write) {
        RedisClient client = RedisClient.create(stack.redis().uri());
        try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
            var commands = connection.async();
            connection.setAutoFlushCommands(!manualFlush);
            long started = System.nanoTime();
            List<RedisFuture<?>> inFlight = new ArrayList<>(2000);
            for (int i = 0; i < count; i++) {
                inFlight.addAll(write.apply(commands, i));
                if ((i + 1) % 1000 == 0) {
                    if (manualFlush) connection.flushCommands();
                    inFlight.forEach(future -> future.toCompletableFuture().join());
                    inFlight.clear();
                }
            }
            if (manualFlush) connection.flushCommands();
            inFlight.forEach(future -> future.toCompletableFuture().join());
            return count / ((System.nanoTime() - started) / 1e9);
        } finally {
            client.shutdown();
        }
    }
}
