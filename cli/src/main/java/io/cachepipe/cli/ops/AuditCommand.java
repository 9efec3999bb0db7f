package io.cachepipe.cli.ops;

import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.Parsers;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.ops.ViewSelection;
import io.cachepipe.ops.audit.AuditReport;
import io.cachepipe.ops.audit.CacheAudit;
import io.cachepipe.store.postgres.LoadTimer;
import io.cachepipe.store.postgres.ViewLoader;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cachepipe audit}: compares what the cache serves with what PostgreSQL says now; see
 * {@link CacheAudit}. Its exit code says what it can vouch for, so that a script can tell a cache
 * that serves wrong values from one that lost its entries and from an audit that could not run.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare cached entries with the database now: per view, how many registry entries were compared, "
                + "how many differ (stale, missing, extra), and how many could not be compared (pending: no current value yet, expired, "
                + "or gone: registered keys Redis no longer holds although their TTL has not run out).",
                "Never says CLEAN about nothing: with no value to compare it says NOTHING TO CHECK, and when Redis lost "
                        + "the namespace's entries (and no rebuild ran since) it says LOST."},
        footer = {"", "Exit codes: 0 clean (or nothing to check in a cache that never held anything), 1 failed, "
                + "2 bad arguments or settings,",
                "  4 incoherent entries found, 5 mismatches the pipeline was too far behind to confirm (audit again),",
                "  6 entries expected but none to compare: Redis lost them (run cachepipe rebuild), or every registered key is gone."})
public final class AuditCommand extends OpsCommand {
    public static final int INCOHERENT = 4;
    public static final int UNCONFIRMED = 5;
    public static final int EXPECTED_ENTRIES_MISSING = 6;

    @Option(names = "--views", split = ",", paramLabel = "<view>", description = "views to audit (default: every declared view)")
    List<String> views = new ArrayList<>();

    @Option(names = "--sample", defaultValue = "1.0", paramLabel = "<share>",
            description = "share of each view's registered entries to check, above 0 and at most 1 (default: ${DEFAULT-VALUE})")
    double sample;

    @Option(names = "--settle", defaultValue = "10s", paramLabel = "<duration>",
            description = "how long a mismatch waits for the pipeline to catch up (default: ${DEFAULT-VALUE})")
    @SuppressWarnings("NullAway.Init") // picocli sets it: the option has a defaultValue
    String settle;

    @Option(names = "--examples", defaultValue = "5", paramLabel = "<n>", description = "keys listed per view and finding (default: ${DEFAULT-VALUE})")
    int examples;

    @Option(names = "--fix", description = "remove registry entries whose keys Redis no longer holds (gone or expired); "
            + "an entry registered again meanwhile is kept")
    boolean fix;

    @Override
    int run() {
        Settings settings = settings();
        var postgresSection = settings.section(PostgresConfig::read);
        var redisSection = settings.section(RedisConfig::read);
        var cacheSection = settings.section(CacheConfig::read);
        if (!(sample > 0 && sample <= 1)) {
            settings.addProblem("--sample must be above 0 and at most 1, was " + sample);
        }
        Duration settleTime = Parsers.parseDuration(settle);
        settings.validate();
        PostgresConfig postgres = postgresSection.get();
        RedisConfig redis = redisSection.get();
        CacheConfig cache = cacheSection.get();
        try (var clients = new CacheClients(cache, redis, postgres)) {
            ViewSelection.select(clients.catalog, views);
            var audit = new CacheAudit(clients.store, new ViewLoader(clients.pool(), LoadTimer.Cause.AUDIT), clients.pool(), Clock.systemUTC(),
                    RandomGenerator.getDefault());
            AuditReport report = audit.run(new CacheAudit.Options(views, sample, settleTime, examples, fix));
            out().print(report.render());
            return exitCode(report);
        }
    }

    /** The one mapping of an audit's verdict to an exit code. */
    static int exitCode(AuditReport report) {
        return switch (report.verdict()) {
            case INCOHERENT -> INCOHERENT;
            case UNCONFIRMED -> UNCONFIRMED;
            case LOST -> EXPECTED_ENTRIES_MISSING;
            case NOTHING_TO_CHECK -> report.expectedKeys() ? EXPECTED_ENTRIES_MISSING : DONE;
            case CLEAN -> DONE;
        };
    }
}
