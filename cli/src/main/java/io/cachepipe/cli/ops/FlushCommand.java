package io.cachepipe.cli.ops;

import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.ops.ViewSelection;
import io.cachepipe.ops.flush.Flusher;
import io.cachepipe.store.redis.ViewKeys;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cachepipe flush}: drops a view's cached values; see {@link Flusher}. */
@Command(name = "flush", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Drop the cached values of one view, all or those matching a pattern, found through the view's "
                + "registry (cost in proportion to the view's keys, never KEYS). Every API's near cache is cleared too.",
                "Flushed keys keep a tombstone at the dropped value's version, so no older value can come back."},
        footer = {"", "Patterns are globs over the key without namespace and braces, e.g. 'product:4*' or "
                + "'category:3:products:page:*'.", "Exit codes: 0 done, 1 failed, 2 bad arguments or settings."})
public final class FlushCommand extends OpsCommand {
    @Option(names = "--view", required = true, paramLabel = "<view>", description = "the view to flush")
    @SuppressWarnings("NullAway.Init") // picocli sets it: the option is required
    String view;

    @Option(names = "--pattern", paramLabel = "<glob>", description = "only keys matching this glob")
    @Nullable String pattern;

    @Option(names = "--scan", description = "find keys with SCAN over the namespace instead of the registry: a last resort "
            + "for keys the registry lost; costs in proportion to the whole keyspace")
    boolean scan;

    @Option(names = "--dry-run", description = "count the keys that would be flushed, drop nothing")
    boolean dryRun;

    @Override
    int run() {
        Settings settings = settings();
        var redisSection = settings.section(RedisConfig::read);
        var cacheSection = settings.section(CacheConfig::read);
        settings.validate();
        RedisConfig redis = redisSection.get();
        CacheConfig cache = cacheSection.get();
        try (var clients = new CacheClients(cache, redis, null)) {
            ViewDefinition chosen = ViewSelection.one(clients.catalog, view);
            var flusher = new Flusher(clients.store, new ViewKeys(clients.store));
            Flusher.Result result = flusher.flush(chosen, pattern, scan, dryRun);
            out().printf("%s %s%s: %d keys found through the %s, %d values dropped%s%n", dryRun ? "would flush" : "flushed",
                    chosen.name(), pattern == null ? "" : " matching " + pattern, result.examined(),
                    scan ? "SCAN" : "registry", result.flushed(), dryRun ? " (dry run)" : "; near caches cleared");
            return 0;
        }
    }
}
