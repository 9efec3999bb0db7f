package io.cachepipe.cli.ops;

import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.ops.ViewSelection;
import io.cachepipe.ops.warm.KeyWarming;
import io.cachepipe.ops.warm.WarmTargets;
import io.cachepipe.store.postgres.BatchLoader;
import io.cachepipe.store.postgres.LoadTimer;
import io.cachepipe.store.redis.HotKeyStore;
import io.cachepipe.store.redis.ViewKeys;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cachepipe warm}: loads chosen keys ahead of traffic; see {@link KeyWarming}. */
@Command(name = "warm", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load keys into the cache before traffic needs them: the hottest keys the API instances have "
                + "seen (--hot, from <namespace>#hot), or the keys the views' registries know (recently cached keys).",
                "Loads are batched (many keys per query) and written under the read path's leases: a key that holds a "
                        + "current value is left alone, and a change landing during the load voids the write."},
        footer = {"", "Exit codes: 0 done, 1 failed, 2 bad arguments or settings."})
public final class WarmCommand extends OpsCommand {
    @Option(names = "--views", split = ",", paramLabel = "<view>", description = "only keys of these views (default: all)")
    List<String> views = new ArrayList<>();

    @Option(names = "--limit", defaultValue = "1000", paramLabel = "<n>", description = "most keys to warm (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--hot", description = "the hottest keys by the API's read counts, hottest first")
    boolean hot;

    @Option(names = "--dry-run", description = "list the keys that would be warmed, load nothing")
    boolean dryRun;

    @Option(names = "--batch-size", defaultValue = "500", paramLabel = "<n>", description = "keys per database read (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Override
    int run() throws Exception {
        Settings settings = settings();
        var postgresSection = settings.section(PostgresConfig::read);
        var redisSection = settings.section(RedisConfig::read);
        var cacheSection = settings.section(CacheConfig::read);
        if (limit < 1) {
            settings.addProblem("--limit must be at least 1, was " + limit);
        }
        if (batchSize < 1 || batchSize > 10_000) {
            settings.addProblem("--batch-size must be between 1 and 10000, was " + batchSize);
        }
        settings.validate();
        PostgresConfig postgres = postgresSection.get();
        RedisConfig redis = redisSection.get();
        CacheConfig cache = cacheSection.get();
        try (var clients = new CacheClients(cache, redis, postgres)) {
            List<ViewDefinition> selected = ViewSelection.select(clients.catalog, views);
            var targets = new WarmTargets(new ViewKeys(clients.store), new HotKeyStore(clients.store));
            WarmTargets.Chosen chosen = hot ? targets.hottest(selected, limit, List.of()) : targets.registered(selected, limit);
            if (hot && !chosen.hotKeysRecorded()) {
                out().println("note: no hot keys recorded yet in " + redis.namespace() + "#hot (the API reports reads every few seconds)");
            }
            List<CacheKey> keys = chosen.keys();
            KeyWarming.Result result = new KeyWarming(clients.store, new BatchLoader(clients.pool(), LoadTimer.Cause.WARM)).warm(keys, batchSize, dryRun);
            if (dryRun) {
                keys.forEach(key -> out().println("would warm " + key.redisKey()));
                out().println("dry run: " + keys.size() + " keys, nothing loaded");
                return 0;
            }
            out().printf("warmed %d keys: %d written, %d already cached, %d being filled by a reader, %d refused (changed "
                    + "meanwhile), %d database queries%n", result.keys(), result.written(), result.alreadyCached(), result.busy(),
                    result.refused(), result.queries());
            return 0;
        }
    }
}
