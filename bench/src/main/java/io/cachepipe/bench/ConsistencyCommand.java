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
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import javax.sql.DataSource;
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
    @Option(names = "--reads", description = "reads to send and classify, more while a fault's window is still open (default: "
            + "${DEFAULT-VALUE})") long reads = 1_000_000;
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
    @Option(names = "--fault", description = "none; a fault, or a comma list of faults injected in turn, spaced evenly across the reads; "
            + "or all of them: all. Faults: ${COMPLETION-CANDIDATES}. The reads from each fault's start until the pipeline caught up are "
            + "tallied apart (default: none)", completionCandidates = FaultNames.class)
    String fault = "none";
    @Option(names = "--set", description = "a pipeline setting for this run, key=value as in docs/configuration.md (repeatable), "
            + "e.g. --set api.near-cache=false") Map<String, String> overrides = new LinkedHashMap<>();

    static final class FaultNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(ConsistencyFaults.Fault.values()).map(f -> f.label).iterator();
        }
    }

    @Override
    public Integer call() throws Exception {
        if (reads < 1 || listingShare < 0 || listingShare > 1 || moveShare < 0 || moveShare > 1 || writeRate <= 0) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--reads must be positive, --write-rate positive, --listing-share and --move-share in 0..1");
        }
        List<ConsistencyFaults.Fault> faults;
        try {
            faults = ConsistencyFaults.parse(fault);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--fault: " + e.getMessage(), e);
        }
        PrintStream out = System.out;
        ConsistencyReport report;
        try (DevStack stack = startStack(); BenchPipeline system = BenchPipeline.start(stack, products, categories, overrides)) {
            report = run(stack, system, Workload.catalog(products, categories, zipf), faults, out);
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

    private ConsistencyReport run(DevStack stack, BenchPipeline system, Workload workload, List<ConsistencyFaults.Fault> faults,
                                  PrintStream out) throws Exception {
        long[] initial = new long[products];
        int[] categoryOf = new int[products];
        initialRows(system.writerPool(), initial, categoryOf);
        var api = system.address(BenchPipeline.Mode.CACHED);
        out.printf("Reading every one of %,d keys once%n", workload.everyPath().size());
        new LoadGenerator(api, connections, new LongAdder()).once(workload.everyPath());
        system.pipeline().awaitCaughtUp(Duration.ofMinutes(2));
        var commits = new CommitTimes(initial, categoryOf, System.nanoTime());
        var listings = new Listings(commits, categories, Workload.PAGE_SIZE, connections);
        var injector = new ConsistencyFaults.Injector(faults);
        var readers = new ConsistencyReaders(api, commits, listings, workload, listingShare, bound, injector.windows());
        injector.start(system.pipeline(), stack, reads, readers::sent, out);
        out.printf("%,d reads (%.0f%% listing pages) over %d connections; %,.0f writes/s (%.0f%% moves) over %d connections%n", reads,
                listingShare * 100, connections, writeRate, moveShare * 100, writers);
        long start = System.nanoTime();
        CpuUse cpu = CpuUse.ofThisProcess();
        ConsistencyReaders.Tallies tallies;
        long written;
        long moved;
        long failed;
        try (var writer = new ConsistencyWriter(system.writerPool(), commits, listings, workload, writeRate, moveShare, writers)) {
            tallies = readers.run(reads, connections, 7, injector::pending);
            written = writer.written();
            moved = writer.moved();
            failed = writer.failed();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        CpuUse.Usage used = cpu.usage();
        String beyond = readers.staleBeyond().byMinute();
        out.println(beyond.isEmpty() ? "No read was stale beyond the bound" : "Reads stale beyond the bound, by minute of the run: " + beyond);
        List<ConsistencyReport.Fault> injected = injector.await();
        List<ConsistencyReport.View> views = new ArrayList<>();
        String productRoute = workload.endpoint("product").route();
        String listingRoute = workload.endpoint("listing").route();
        for (int phase = 0; phase <= injected.size(); phase++) {
            String name = phase == 0 ? ConsistencyReport.STEADY : injected.get(phase - 1).phase();
            views.add(ConsistencyReport.View.of(ConsistencyReaders.PRODUCT, productRoute, name, tallies.product()[phase]));
            views.add(ConsistencyReport.View.of(ConsistencyReaders.LISTING, listingRoute, name, tallies.listing()[phase]));
        }
        String faultNames = injected.isEmpty() ? "none" : injected.stream().map(ConsistencyReport.Fault::name).collect(Collectors.joining(","));
        double faultSeconds = injected.stream().mapToDouble(ConsistencyReport.Fault::seconds).sum();
        return new ConsistencyReport(BenchCommand.meta(Map.of("zipf", Double.toString(zipf), "listingShare", Double.toString(listingShare),
                "writers", Integer.toString(writers), "settings", overrides.toString())), products, categories, tallies.reads(),
                bound.toNanos() / 1e6,
                writeRate, moveShare, connections, seconds, written, moved, failed, faultNames, faultSeconds, used.parts(),
                used.machine(), views, injected);
    }

    /** Each product's stock and category before the run: its counter's first value. Ids run 1..products, as the seeder made them. */
    private static void initialRows(DataSource database, long[] stock, int[] category) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id, stock, category_id FROM products ORDER BY id")) {
            int count = 0;
            while (rows.next()) {
                long id = rows.getLong(1);
                if (id < 1 || id > stock.length) {
                    throw new IllegalStateException("product id " + id + " outside 1.." + stock.length);
                }
                stock[(int) (id - 1)] = rows.getLong(2);
                category[(int) (id - 1)] = rows.getInt(3); // 0 (CommitTimes.NONE) when null
                count++;
            }
            if (count != stock.length) {
                throw new IllegalStateException(count + " products seeded, expected " + stock.length);
            }
        }
    }
}
