package io.cachepipe.cli.ops;

import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.ops.ViewSelection;
import io.cachepipe.ops.rebuild.RebuildReport;
import io.cachepipe.ops.rebuild.Rebuilder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cachepipe rebuild}: fills every declared view from the compacted change topics; see {@link Rebuilder}. */
@Command(name = "rebuild", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fill every declared view from the compacted change topics (the latest image of every row): "
                + "plain row views from the row images without querying PostgreSQL, aggregates and listings by batched "
                + "database reads. Writes are version-guarded, so it is safe while the pipeline runs.",
                "Resumable: the position is checkpointed in Redis; run the same command again to continue, or --restart."},
        footer = {"", "Exit codes: 0 done, 1 failed, 2 bad arguments or settings."})
public final class RebuildCommand extends OpsCommand {
    @Option(names = "--views", split = ",", paramLabel = "<view>", description = "only these views (default: all)")
    List<String> views = new ArrayList<>();

    @Option(names = "--batch-size", defaultValue = "500", paramLabel = "<n>", description = "keys per batched database read (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--restart", description = "ignore a checkpoint left by an interrupted rebuild and start over")
    boolean restart;

    @Option(names = "--progress", defaultValue = "auto", paramLabel = "<auto|bar|lines|none>", description = "how to show progress")
    @SuppressWarnings("NullAway.Init") // picocli sets it: the option has a defaultValue
    ProgressPrinter.Mode progress;

    @Override
    int run() throws Exception {
        Settings settings = settings();
        var postgresSection = settings.section(PostgresConfig::read);
        var kafkaSection = settings.section(KafkaConfig::read);
        var redisSection = settings.section(RedisConfig::read);
        var cacheSection = settings.section(CacheConfig::read);
        if (batchSize < 1 || batchSize > 10_000) {
            settings.addProblem("--batch-size must be between 1 and 10000, was " + batchSize);
        }
        settings.validate();
        PostgresConfig postgres = postgresSection.get();
        KafkaConfig kafka = kafkaSection.get();
        RedisConfig redis = redisSection.get();
        CacheConfig cache = cacheSection.get();
        try (var clients = new CacheClients(cache, redis, postgres)) {
            var options = new Rebuilder.Options(new LinkedHashSet<>(views), batchSize, restart);
            ViewSelection.select(clients.catalog, options.views());
            var printer = new ProgressPrinter(out(), progress);
            RebuildReport report = new Rebuilder(kafka, clients.catalog, clients.store, clients.pool())
                    .run(options, printer);
            printer.finish();
            print(report);
            return 0;
        }
    }

    private void print(RebuildReport report) {
        out().println("rebuild done in " + ProgressPrinter.duration(report.took().toMillis() / 1000.0));
        report.modes().forEach((view, mode) -> out().printf("  %-24s %s%n", view, mode.describe()));
        out().printf(Locale.ROOT, "  change records read   %,d (%,.0f/s)%n", report.records(), report.recordsPerSecond());
        out().printf(Locale.ROOT, "  row-image writes      %,d%n", report.rowWrites());
        if (report.imageFallbacks() > 0) {
            out().printf(Locale.ROOT, "  row images loaded     %,d (a value the image cannot render exactly: read from the database)%n",
                    report.imageFallbacks());
        }
        out().printf(Locale.ROOT, "  loaded writes         %,d%n", report.loadedWrites());
        out().printf(Locale.ROOT, "  refused (newer held)  %,d%n", report.refused());
        out().printf(Locale.ROOT, "  deleted rows          %,d%n", report.deletes());
        out().printf(Locale.ROOT, "  database queries      %,d (plus %d column-type describes, no rows read)%n", report.dbQueries(),
                report.schemaLookups());
        out().printf(Locale.ROOT, "  batches retried       %,d%s%n", report.retriedBatches(),
                report.retriedBatches() == 0 ? "" : " (Redis did not answer in time; each was sent again and applied)");
        report.notes().forEach(note -> out().println("  note: " + note));
    }
}
