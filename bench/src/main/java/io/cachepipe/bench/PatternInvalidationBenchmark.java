package io.cachepipe.bench;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeyGroup;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.examples.ExampleSchema;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.ReadResult;
import io.cachepipe.store.redis.RedisConnector;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.random.RandomGenerator;
import org.HdrHistogram.Histogram;

/**
 * Pattern invalidation at scale: {@code keys} cached listing pages ({@code category:{id}:products:page:{n}}
 * of the demo catalog, {@code groupSize} pages per category) written the way the warmer writes them,
 * then one category's pages invalidated at a time, alternately
 * <ul>
 *   <li>through the group's index, as the invalidator does ({@link CacheStore#invalidateGroup}), and</li>
 *   <li>by {@code SCAN 0 MATCH <pattern> COUNT <scanCount>} to the end of the keyspace, then {@code DEL} of
 *       what it found: what a cache without group indexes must do, short of {@code KEYS}.</li>
 * </ul>
 * Each sample takes a category not touched before, so both methods always find a full group. The ratio
 * of the two is the figure: the index's cost follows the group, SCAN's the whole keyspace.
 */
final class PatternInvalidationBenchmark {
    record Options(int keys, int groupSize, int samples, int scanCount) {
    }

    private static final String VIEW = "category-products";

    private final Options options;
    private final PrintStream out;

    PatternInvalidationBenchmark(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    PatternReport run(String redisUri, String namespace) {
        ViewCatalog catalog = ViewsFile.load(ExampleSchema.CATALOG.viewsLocation());
        ViewDefinition view = catalog.view(VIEW).orElseThrow();
        var redisConfig = new RedisConfig(URI.create(redisUri), List.of(), namespace, Duration.ofSeconds(30));
        var cacheConfig = new CacheConfig(true, ExampleSchema.CATALOG.viewsLocation(), Duration.ofSeconds(2), Duration.ofSeconds(60));
        int groups = options.keys() / options.groupSize();
        if (groups < 2 * options.samples()) {
            throw new IllegalArgumentException("need at least " + 2 * options.samples() + " groups for " + options.samples()
                    + " samples of each method, have " + groups);
        }
        try (RedisConnector redis = RedisConnector.connect(redisConfig)) {
            var keySpace = new KeySpace(namespace, catalog);
            var store = new CacheStore(redis, keySpace, cacheConfig, Clock.systemUTC(), RandomGenerator.getDefault());
            double loadSeconds = load(store, keySpace, view, groups);
            var byIndex = new Histogram(Duration.ofMinutes(5).toNanos() / 1000, 3);
            var byScan = new Histogram(Duration.ofMinutes(5).toNanos() / 1000, 3);
            int[] order = Zipf.shuffled(groups, 7);
            Version version = new Version(2);
            for (int sample = 0; sample < options.samples(); sample++) {
                long categoryForIndex = order[2 * sample] + 1L;
                long categoryForScan = order[2 * sample + 1] + 1L;
                long started = System.nanoTime();
                KeyGroup group = keySpace.group(view, Map.of("category_id", categoryForIndex));
                store.invalidateGroup(view, group, version).toCompletableFuture().join();
                byIndex.recordValue((System.nanoTime() - started) / 1000);
                int current = stillCurrent(store, keySpace, view, categoryForIndex);
                started = System.nanoTime();
                int deleted = scanAndDelete(redis.commands(), keySpace.key(view, Map.of("category_id", categoryForScan, "page", 1)).redisKey());
                byScan.recordValue((System.nanoTime() - started) / 1000);
                if (current != 0 || deleted != options.groupSize()) {
                    throw new IllegalStateException("sample " + sample + ": the index left " + current + " of the group's "
                            + options.groupSize() + " pages current (should be none) and SCAN deleted " + deleted + " (should be all)");
                }
                if ((sample + 1) % Math.max(1, options.samples() / 10) == 0) {
                    out.printf(Locale.ROOT, "  %d/%d samples: index p50 %.2f ms, SCAN+DEL p50 %.1f ms%n", sample + 1, options.samples(),
                            byIndex.getValueAtPercentile(50) / 1000.0, byScan.getValueAtPercentile(50) / 1000.0);
                }
            }
            var group = Report.Percentiles.ofMicros(byIndex);
            var scan = Report.Percentiles.ofMicros(byScan);
            var report = new PatternReport(Instant.now().toString(), (long) groups * options.groupSize(), options.groupSize(),
                    options.samples(), options.scanCount(), loadSeconds, group, scan, scan.p50() / group.p50(), scan.p99() / group.p99());
            out.printf(Locale.ROOT, "pattern invalidation of %d keys among %,d: index p50 %.2f ms p99 %.2f ms | SCAN+DEL p50 %.1f ms"
                            + " p99 %.1f ms | ratio p50 %.0fx, p99 %.0fx%n", options.groupSize(), report.keys(), group.p50(), group.p99(),
                    scan.p50(), scan.p99(), report.scanToGroupP50(), report.scanToGroupP99());
            return report;
        }
    }

    /**
     * The group's pages that still hold a current value: none once the index reached them all. (The
     * pages' re-warm requests are no count of them: under a view's {@code warm: read} a page no reader
     * was served is dropped without one.)
     */
    private int stillCurrent(CacheStore store, KeySpace keySpace, ViewDefinition view, long category) {
        List<CompletableFuture<Optional<ReadResult.Hit>>> peeks = new ArrayList<>();
        for (int page = 1; page <= options.groupSize(); page++) {
            peeks.add(store.peek(keySpace.key(view, Map.of("category_id", category, "page", page))).toCompletableFuture());
        }
        return (int) peeks.stream().filter(peek -> peek.join().isPresent()).count();
    }

    /** Writes every page of every group through the store, as the warmer would: value, index, registry. */
    private double load(CacheStore store, KeySpace keySpace, ViewDefinition view, int groups) {
        out.printf(Locale.ROOT, "loading %,d keys (%,d groups of %d) through the version-guarded write ...%n",
                (long) groups * options.groupSize(), groups, options.groupSize());
        long started = System.nanoTime();
        byte[] value = ("[{\"id\":1,\"sku\":\"SKU-00000001\",\"name\":\"Compact Kettle 1\",\"price\":12.34,\"stock\":5}]")
                .getBytes(StandardCharsets.UTF_8);
        var inFlight = new Semaphore(2_000);
        Version version = new Version(1);
        List<CompletableFuture<Boolean>> last = new ArrayList<>();
        for (long category = 1; category <= groups; category++) {
            for (int page = 1; page <= options.groupSize(); page++) {
                CacheKey key = keySpace.key(view, Map.of("category_id", category, "page", page));
                inFlight.acquireUninterruptibly();
                var write = store.write(key, version, value).toCompletableFuture();
                write.whenComplete((written, failure) -> inFlight.release());
                if (category == groups) {
                    last.add(write);
                }
            }
            if (category % Math.max(1, groups / 10) == 0) {
                out.printf(Locale.ROOT, "  %,d keys%n", category * options.groupSize());
            }
        }
        inFlight.acquireUninterruptibly(2_000);
        inFlight.release(2_000);
        if (!last.stream().allMatch(CompletableFuture::join)) {
            throw new IllegalStateException("the load's writes were refused: is the namespace fresh?");
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /** The naive way: walk the whole keyspace for the pattern, then delete what matched. Answers the keys deleted. */
    private int scanAndDelete(RedisClusterAsyncCommands<byte[], byte[]> redis, String firstPageKey) {
        String pattern = firstPageKey.substring(0, firstPageKey.lastIndexOf(':') + 1) + "*";
        ScanArgs args = ScanArgs.Builder.matches(pattern).limit(options.scanCount());
        List<byte[]> found = new ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<byte[]> page = redis.scan(cursor, args).toCompletableFuture().join();
            found.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        // The group's own index and version keys match the pattern too; they are not cache values.
        List<byte[]> values = found.stream().filter(key -> !new String(key, StandardCharsets.UTF_8).contains(":*")).toList();
        if (!values.isEmpty()) {
            redis.del(values.toArray(byte[][]::new)).toCompletableFuture().join();
        }
        return values.size();
    }
}
