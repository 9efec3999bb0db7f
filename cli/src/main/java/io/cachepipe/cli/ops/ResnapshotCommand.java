package io.cachepipe.cli.ops;

import io.cachepipe.cdc.CdcConfig;
import io.cachepipe.core.change.TableName;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.config.Parsers;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.invalidator.InvalidatorConfig;
import io.cachepipe.ops.resnapshot.Resnapshot;
import io.cachepipe.store.kafka.TopicAdmin;
import io.cachepipe.store.postgres.ConnectionPool;
import io.cachepipe.store.postgres.DataSources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cachepipe resnapshot}: re-reads tables' rows through Debezium's incremental snapshot; see {@link Resnapshot}. */
@Command(name = "resnapshot", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Re-read the current rows of a table through Debezium's incremental snapshot, so that every key of "
                + "the views sourced from it is invalidated or rewritten, and re-warmed, from the database: after a lost or "
                + "suspect stretch of the table's changes, without a full re-snapshot.",
                "It writes an execute-snapshot signal into the signal table (cdc.signal-table), waits for Debezium's notification "
                        + "that the snapshot completed, prints the rows read, and waits until the invalidator applied them."},
        footer = {"", "Exit codes: 0 done, 1 failed (or not done within --timeout), 2 bad arguments or settings (a table no "
                + "view reads, no signal table)."})
public final class ResnapshotCommand extends OpsCommand {
    @Option(names = "--table", required = true, paramLabel = "<schema.table>", description = "a table the views read (repeatable)")
    List<String> tables = new ArrayList<>();

    @Option(names = "--dry-run", description = "check the tables and say what would be re-read; send no signal")
    boolean dryRun;

    @Option(names = "--no-wait", description = "return once the signal is written, without waiting for the snapshot")
    boolean noWait;

    @Option(names = "--timeout", defaultValue = "30m", paramLabel = "<duration>",
            description = "longest wait for the snapshot and for the invalidator to apply it (default: ${DEFAULT-VALUE})")
    @SuppressWarnings("NullAway.Init") // picocli sets it: the option has a defaultValue
    String timeout;

    @Override
    int run() throws Exception {
        Settings settings = settings();
        var postgresSection = settings.section(PostgresConfig::read);
        var kafkaSection = settings.section(KafkaConfig::read);
        KafkaConfig kafkaRead = kafkaSection.orNull();
        String prefix = kafkaRead == null ? "cachepipe" : kafkaRead.topicPrefix();
        var cdcSection = settings.section(CdcConfig::read);
        var invalidatorSection = settings.section(s -> InvalidatorConfig.read(s, prefix));
        var cacheSection = settings.section(CacheConfig::read);
        Duration wait = Parsers.parseDuration(timeout);
        settings.validate();
        CdcConfig cdc = cdcSection.get();
        TableName signalTable = cdc.signalTable();
        if (signalTable == null) {
            throw new IllegalArgumentException("cdc.signal-table is empty, so cdc-capture reads no signals: set it (default "
                    + CdcConfig.SIGNAL_TABLE.defaultValue() + ") and restart cdc-capture, which creates the table");
        }
        ViewCatalog catalog = ViewsFile.load(cacheSection.get().viewsFile());
        Set<TableName> chosen = Resnapshot.tables(catalog, tables);
        for (TableName table : chosen) {
            out().printf("%s: re-read every row; refreshes the keys of %s%n", table, String.join(", ", Resnapshot.viewsOf(catalog, table)));
        }
        if (dryRun) {
            out().println("dry run: no signal written into " + signalTable);
            return DONE;
        }
        KafkaConfig kafka = kafkaSection.get();
        try (ConnectionPool pool = DataSources.pool(postgresSection.get().withPoolSize(1), "ops")) {
            var resnapshot = new Resnapshot(pool, signalTable, kafka);
            if (noWait) {
                String id = resnapshot.signalOnly(chosen);
                out().println("signal " + id + " written into " + signalTable + "; Debezium's notifications on "
                        + new io.cachepipe.store.kafka.Topics(kafka.topicPrefix()).cdcNotifications() + " say when it is done");
                return DONE;
            }
            Map<TopicPartition, Long> deadLetterMark;
            try (Admin admin = TopicAdmin.admin(kafka)) {
                deadLetterMark = resnapshot.deadLetterEnds(admin);
            }
            long started = System.nanoTime();
            Resnapshot.Report report = resnapshot.run(chosen, wait, scan -> out().printf(Locale.ROOT, "%s: %,d rows re-read (%s)%n",
                    scan.table(), scan.rows(), scan.status()));
            double seconds = (System.nanoTime() - started) / 1e9;
            if (report.aborted()) {
                out().printf(Locale.ROOT, "snapshot %s ABORTED after %.1f s (%,d rows read): the tables not done keep their keys "
                        + "as they were; run the command again%n", report.signalId(), seconds, report.rows());
                return FAILED;
            }
            out().printf(Locale.ROOT, "snapshot %s completed in %.1f s: %,d rows re-read%n", report.signalId(), seconds, report.rows());
            return awaitApplied(resnapshot, kafka, invalidatorSection.get().applicationId(), chosen, wait, report, deadLetterMark);
        }
    }

    private int awaitApplied(Resnapshot resnapshot, KafkaConfig kafka, String group, Set<TableName> chosen, Duration wait,
                             Resnapshot.Report report, Map<TopicPartition, Long> deadLetterMark) throws InterruptedException {
        long deadLetters;
        try (Admin admin = TopicAdmin.admin(kafka)) {
            if (!resnapshot.awaitApplied(admin, group, chosen, wait)) {
                out().println("the invalidator (" + group + ") has not applied the re-read rows within " + timeout
                        + "; it will once it runs (cachepipe stats shows its lag)");
                return FAILED;
            }
            deadLetters = resnapshot.deadLettersSince(admin, deadLetterMark);
        }
        if (deadLetters > 0) {
            out().println("processed, but " + deadLetters + " records went to the dead-letter topic meanwhile (their headers say "
                    + "why): the keys of a re-read row that could not be applied are as they were");
            return FAILED;
        }
        boolean allRead = report.scans().stream().allMatch(Resnapshot.Scan::read);
        out().println("applied: the invalidator has processed every re-read row" + (allRead ? ""
                : "; a table whose scan did not succeed kept its keys as they were (see its status above)"));
        return allRead ? DONE : FAILED;
    }
}
