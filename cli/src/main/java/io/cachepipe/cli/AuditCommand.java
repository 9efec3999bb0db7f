package io.cachepipe.cli;

import io.cachepipe.core.audit.AuditReport;
import io.cachepipe.core.audit.CacheAudit;
import io.cachepipe.core.cache.CacheStore;
import io.cachepipe.core.cache.RedisConnector;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.Parsers;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.db.DataSources;
import io.cachepipe.core.db.ViewLoader;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewsFile;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cachepipe audit}: compares what the cache serves with what PostgreSQL says now, and exits
 * non-zero when any entry is incoherent. Configured like the processes (CACHEPIPE_* variables).
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Compare cached entries with the database now; report stale, missing and extra entries per view.",
                "Exit status: 0 clean, 1 incoherent entries found, 2 the audit could not run,",
                "3 mismatches found but the pipeline was too far behind to confirm them."})
final class AuditCommand implements Callable<Integer> {
    static final int INCOHERENT = 1;
    static final int UNCONFIRMED = 3;

    @Option(names = "--views", split = ",", description = "views to audit (default: every declared view)")
    List<String> views = new ArrayList<>();

    @Option(names = "--sample", description = "share of each view's cached keys to check, above 0 and at most 1 (default: ${DEFAULT-VALUE})")
    double sample = 1.0;

    @Option(names = "--settle", description = "how long a mismatch waits for the pipeline to catch up (default: ${DEFAULT-VALUE})")
    String settle = "10s";

    @Option(names = "--examples", description = "incoherent keys listed per view (default: ${DEFAULT-VALUE})")
    int examples = 5;

    private final Map<String, String> overrides;

    AuditCommand() {
        this(Map.of());
    }

    /** @param overrides settings that win over the process's (for tests) */
    AuditCommand(Map<String, String> overrides) {
        this.overrides = overrides;
    }

    @Override
    public Integer call() {
        Settings settings = Settings.fromProcess(overrides);
        PostgresConfig postgres = settings.read(PostgresConfig::read);
        RedisConfig redis = settings.read(RedisConfig::read);
        CacheConfig cache = settings.read(CacheConfig::read);
        settings.validate();
        ViewCatalog catalog = ViewsFile.load(cache.viewsFile());
        List<String> unknown = views.stream().filter(view -> catalog.view(view).isEmpty()).toList();
        if (!unknown.isEmpty()) {
            System.err.println("No such view: " + String.join(", ", unknown) + " (declared: "
                    + String.join(", ", catalog.views().stream().map(v -> v.name()).toList()) + ")");
            return 2;
        }
        try (var pool = DataSources.pool(postgres, "audit");
             var connector = RedisConnector.connect(redis)) {
            var store = new CacheStore(connector, new KeySpace(redis.namespace(), catalog), cache, Clock.systemUTC(),
                    RandomGenerator.getDefault());
            var audit = new CacheAudit(store, new ViewLoader(pool), pool, Clock.systemUTC(), RandomGenerator.getDefault());
            AuditReport report = audit.run(new CacheAudit.Options(views, sample, Parsers.parseDuration(settle), examples));
            System.out.print(report.render());
            return !report.clean() ? INCOHERENT : report.unconfirmed() > 0 ? UNCONFIRMED : 0;
        }
    }
}
