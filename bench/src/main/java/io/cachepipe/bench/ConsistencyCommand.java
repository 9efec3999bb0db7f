package io.cachepipe.bench;

import io.cachepipe.core.json.Json;
import io.cachepipe.devstack.DevStack;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench consistency}: the stale-read rate, in nines, as a checker outside the pipeline sees it.
 * Writers commit per-row counters to PostgreSQL and note when each commit returned ({@link CommitTimes});
 * readers read through the HTTP API and classify every read as fresh, stale within the bound or stale
 * beyond it ({@link ConsistencyReaders}).
 */
@Command(name = "consistency", mixinStandardHelpOptions = true,
        description = {"The stale-read rate: writers raise a per-row counter (stock) in PostgreSQL and note when each commit "
                + "returned; readers read products and listing pages through the API; every read is classified fresh, stale within "
                + "--bound, or stale beyond it, per view, with the rate of stale-beyond in nines. 10M reads: --reads 10000000 "
                + "(about ten times the default's duration)."})
final class ConsistencyCommand extends BenchCommand.Common implements Callable<Integer> {
    /** A fault injected halfway through the reads. */
    enum Fault { NONE, INVALIDATOR_RESTART }

    @Option(names = "--reads", description = "reads to send and classify (default: ${DEFAULT-VALUE})") long reads = 1_000_000;
    @Option(names = "--bound", description = "the freshness bound: a stale read within it is tolerated (default: 1s)")
    Duration bound = Duration.ofSeconds(1);
    @Option(names = "--products", description = "products in the catalog (default: ${DEFAULT-VALUE})") int products = 10_000;
    @Option(names = "--categories", description = "categories in the catalog (default: ${DEFAULT-VALUE})") int categories = 100;
    @Option(names = "--zipf", description = "Zipf exponent of the rows read and written (default: ${DEFAULT-VALUE})") double zipf = 1.0;
    @Option(names = "--write-rate", description = "single-row commits per second (default: ${DEFAULT-VALUE})") double writeRate = 200;
    @Option(names = "--writers", description = "writer connections (default: ${DEFAULT-VALUE})") int writers = 4;
    @Option(names = "--move-share", description = "share of writes that also move the product to another category (default: "
            + "${DEFAULT-VALUE})") double moveShare = 0.1;
    @Option(names = "--listing-share", description = "share of reads that are listing pages (default: ${DEFAULT-VALUE})")
    double listingShare = 0.3;
    @Option(names = "--connections", description = "reader connections, closed loop (default: ${DEFAULT-VALUE})") int connections = 8;
    @Option(names = "--fault", description = "none, or invalidator-restart: restart the invalidator halfway through the reads and "
            + "tally the reads from then until the pipeline caught up apart (default: none)", converter = FaultConverter.class)
    Fault fault = Fault.NONE;
    @Option(names = "--set", description = "a pipeline setting for this run, key=value as in docs/configuration.md (repeatable), "
            + "e.g. --set api.near-cache=false") Map<String, String> overrides = new LinkedHashMap<>();

    static final class FaultConverter implements CommandLine.ITypeConverter<Fault> {
        @Override
        public Fault convert(String text) {
            return Fault.valueOf(text.strip().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    @Override
    public Integer call() throws Exception {
        if (reads < 1 || listingShare < 0 || listingShare > 1 || moveShare < 0 || moveShare > 1 || writeRate <= 0) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--reads must be positive, --write-rate positive, --listing-share and --move-share in 0..1");
        }
        PrintStream out = System.out;
        ConsistencyReport report;
        try (DevStack stack = startStack(); BenchPipeline system = BenchPipeline.start(stack, products, categories, overrides)) {
            report = run(system, Workload.catalog(products, categories, zipf), out);
        }
        out.print(ConsistencyDoc.text(report));
        Path file = outDir().resolve(BenchCommand.CONSISTENCY_JSON);
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), report);
        out.println("Report: " + file.toAbsolutePath());
        if (publish) {
            BenchCommand.writePage();
        }
        return 0;
    }

    private ConsistencyReport run(BenchPipeline system, Workload workload, PrintStream out) throws Exception {
        long[] initial = initialStock(system.writerPool(), products);
        var api = system.address(BenchPipeline.Mode.CACHED);
        out.printf("Reading every one of %,d keys once%n", workload.everyPath().size());
        new LoadGenerator(api, connections, new LongAdder()).once(workload.everyPath());
        system.pipeline().awaitCaughtUp(Duration.ofMinutes(2));
        var commits = new CommitTimes(initial, System.nanoTime());
        var window = new ConsistencyReaders.FaultWindow();
        var readers = new ConsistencyReaders(api, commits, workload, listingShare, bound, window);
        AtomicReference<@Nullable Throwable> faultFailed = new AtomicReference<>();
        Thread faulting = fault == Fault.NONE ? null : Thread.ofPlatform().daemon().name("consistency-fault").start(() -> {
            try {
                while (readers.sent() < reads / 2) {
                    LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
                }
                window.open();
                out.println("Restarting the invalidator");
                system.pipeline().restartInvalidator();
                system.pipeline().awaitCaughtUp(Duration.ofMinutes(2));
                window.close();
                out.printf("The pipeline caught up %.1f s after the restart began%n", window.seconds());
            } catch (RuntimeException e) {
                faultFailed.set(e);
            }
        });
        out.printf("%,d reads (%.0f%% listing pages) over %d connections; %,.0f writes/s (%.0f%% moves) over %d connections%n", reads,
                listingShare * 100, connections, writeRate, moveShare * 100, writers);
        long start = System.nanoTime();
        CpuUse cpu = CpuUse.ofThisProcess();
        ConsistencyReaders.Tallies tallies;
        long written;
        long moved;
        long failed;
        try (var writer = new ConsistencyWriter(system.writerPool(), commits, workload, writeRate, moveShare, writers)) {
            tallies = readers.run(reads, connections, 7);
            written = writer.written();
            moved = writer.moved();
            failed = writer.failed();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        CpuUse.Usage used = cpu.usage();
        if (faulting != null) {
            faulting.join();
            if (faultFailed.get() != null) {
                throw new IllegalStateException("the fault could not be injected", faultFailed.get());
            }
        }
        List<ConsistencyReport.View> views = new ArrayList<>();
        String productRoute = workload.endpoint("product").route();
        String listingRoute = workload.endpoint("listing").route();
        views.add(ConsistencyReport.View.of(ConsistencyReaders.PRODUCT, productRoute, ConsistencyReport.STEADY, tallies.product()));
        views.add(ConsistencyReport.View.of(ConsistencyReaders.LISTING, listingRoute, ConsistencyReport.STEADY, tallies.listing()));
        if (fault != Fault.NONE) {
            views.add(ConsistencyReport.View.of(ConsistencyReaders.PRODUCT, productRoute, ConsistencyReport.DURING_FAULT, tallies.productFault()));
            views.add(ConsistencyReport.View.of(ConsistencyReaders.LISTING, listingRoute, ConsistencyReport.DURING_FAULT, tallies.listingFault()));
        }
        return new ConsistencyReport(BenchCommand.meta(Map.of("zipf", Double.toString(zipf), "listingShare", Double.toString(listingShare),
                "writers", Integer.toString(writers), "settings", overrides.toString())), products, categories, reads, bound.toNanos() / 1e6,
                writeRate, moveShare, connections, seconds, written, moved, failed, fault.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), window.seconds(), used.parts(),
                used.machine(), views);
    }

    /** Each product's stock before the run: its counter's first value. Ids run 1..products, as the seeder made them. */
    private static long[] initialStock(DataSource database, int products) throws SQLException {
        long[] stock = new long[products];
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id, stock FROM products ORDER BY id")) {
            int count = 0;
            while (rows.next()) {
                long id = rows.getLong(1);
                if (id < 1 || id > products) {
                    throw new IllegalStateException("product id " + id + " outside 1.." + products);
                }
                stock[(int) (id - 1)] = rows.getLong(2);
                count++;
            }
            if (count != products) {
                throw new IllegalStateException(count + " products seeded, expected " + products);
            }
        }
        return stock;
    }
}
