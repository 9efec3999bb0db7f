package io.cachepipe.cli.ops;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.invalidator.InvalidatorConfig;
import io.cachepipe.ops.replay.OffsetReplay;
import io.cachepipe.ops.replay.ReplayScope;
import io.cachepipe.store.kafka.TopicAdmin;
import io.cachepipe.store.kafka.Topics;
import io.cachepipe.store.redis.RedisConnector;
import io.cachepipe.store.redis.ReplayStatus;
import io.cachepipe.warmer.WarmerConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cachepipe replay}: makes the invalidator (and the warmer) process the change log again from
 * a point in time, by moving their consumer-group offsets with Kafka's Admin API. Re-applying is safe:
 * every invalidation and write is version-guarded, so a change already applied changes nothing.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Re-apply the change log from a point in time by moving the invalidator's and the warmer's "
                + "consumer-group offsets (Kafka's Admin API: what kafka-consumer-groups --describe shows).",
                "Kafka only moves offsets of an empty group: stop the invalidator and warmer first, or pass --stop-consumers."},
        footer = {"", "Exit codes: 0 done, 1 failed, 2 bad arguments or settings, 3 refused (group active).",
                "--to T re-applies the changes from --from up to T and reports done when the group has passed T. The "
                        + "consumers then continue to the end of the log as always: stopping at T would leave the cache "
                        + "behind the database. (Changes after T were applied before; re-applying them is idempotent.)"})
public final class ReplayCommand extends OpsCommand {
    static final class Start {
        @Option(names = "--from-beginning", required = true, description = "replay everything the topics hold (the default "
                + "when only --to is given)")
        boolean beginning;

        @Option(names = "--from", required = true, paramLabel = "<ISO time>",
                description = "replay changes published at or after this time, e.g. 2026-11-22T02:00:00Z")
        @Nullable String from;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    @Nullable Start start;

    @Option(names = "--to", paramLabel = "<ISO time>", description = "count the replay done once the group passed this time")
    @Nullable String to;

    @Option(names = "--views", split = ",", paramLabel = "<view>", description = "only the change topics of these views' tables")
    List<String> views = new ArrayList<>();

    @Option(names = "--tables", split = ",", paramLabel = "<schema.table>", description = "only these tables' change topics")
    List<String> tables = new ArrayList<>();

    @Option(names = "--dry-run", description = "print what would move, per partition, and change nothing")
    boolean dryRun;

    @Option(names = "--stop-consumers", description = "remove the groups' active members (they rejoin on their own and "
            + "resume from the moved offsets) instead of refusing")
    boolean stopConsumers;

    @Option(names = "--no-wait", description = "return once the offsets are moved, without waiting for the groups to catch up")
    boolean noWait;

    @Option(names = "--timeout", defaultValue = "10m", paramLabel = "<duration>", description = "longest wait for catching up (default: ${DEFAULT-VALUE})")
    @SuppressWarnings("NullAway.Init") // picocli sets it: the option has a defaultValue
    String timeout;

    @Option(names = "--progress", defaultValue = "auto", paramLabel = "<auto|bar|lines|none>", description = "how to show progress")
    @SuppressWarnings("NullAway.Init") // picocli sets it: the option has a defaultValue
    ProgressPrinter.Mode progress;

    @Override
    int run() throws Exception {
        Settings settings = settings();
        var kafkaSection = settings.section(KafkaConfig::read);
        KafkaConfig kafkaRead = kafkaSection.orNull();
        String prefix = kafkaRead == null ? "cachepipe" : kafkaRead.topicPrefix();
        var invalidatorSection = settings.section(s -> InvalidatorConfig.read(s, prefix));
        var warmerSection = settings.section(s -> WarmerConfig.read(s, prefix));
        var cacheSection = settings.section(CacheConfig::read);
        var redisSection = settings.section(RedisConfig::read);
        if (start == null && to == null) {
            settings.addProblem("say where the replay starts: --from-beginning or --from <ISO time> (or --to <ISO time> alone, "
                    + "from the beginning up to then)");
        }
        Instant from = start == null || start.beginning ? null : time("--from", start.from);
        Instant until = to == null ? null : time("--to", to);
        Duration wait = io.cachepipe.core.config.Parsers.parseDuration(timeout);
        settings.validate();
        KafkaConfig kafka = kafkaSection.get();
        InvalidatorConfig invalidator = invalidatorSection.get();
        WarmerConfig warmer = warmerSection.get();
        CacheConfig cache = cacheSection.get();
        RedisConfig redis = redisSection.get();
        if (from != null && until != null && !until.isAfter(from)) {
            throw new IllegalArgumentException("--to " + to + " is not after --from " + from);
        }

        ViewCatalog catalog = ViewsFile.load(cache.viewsFile());
        statusKeys = new KeySpace(redis.namespace(), catalog);
        Set<TableName> selected = ReplayScope.tables(catalog, views, tables);
        boolean narrowed = !views.isEmpty() || !tables.isEmpty();
        Topics topics = new Topics(kafka.topicPrefix());

        try (Admin admin = TopicAdmin.admin(kafka); AutoCloseable closeStatus = () -> {
            if (statusRedis != null) {
                statusRedis.close();
            }
        }) {
            var replay = new OffsetReplay(admin);
            List<String> missing = new ArrayList<>();
            List<TopicPartition> changes = replay.partitions(selected.stream().map(topics::change).toList(), missing);
            missing.forEach(topic -> out().println("note: no topic " + topic + " yet (nothing captured from its table)"));
            Map<String, List<OffsetReplay.Move>> plan = new LinkedHashMap<>();
            plan.put(invalidator.applicationId(), replay.plan(invalidator.applicationId(), changes, from, until));
            if (narrowed) {
                out().println("note: warmer group " + warmer.groupId() + " is not moved: warm requests are keyed by cache key, "
                        + "not by table; the invalidator's replay sends fresh ones for the keys it touches");
            } else {
                plan.put(warmer.groupId(), replay.plan(warmer.groupId(), replay.partitions(List.of(topics.warm()), missing), from, until));
            }
            print(plan);
            if (dryRun) {
                out().println("dry run: nothing moved");
                return 0;
            }

            for (var entry : plan.entrySet()) {
                String group = entry.getKey();
                List<String> members = replay.members(group);
                if (!members.isEmpty() && !stopConsumers) {
                    status(redis, Map.of("state", "refused", "reason", "group " + group + " active"));
                    throw new Refused("consumer group " + group + " has " + members.size() + " active member(s) (" + String.join(", ", members)
                            + "). Kafka moves offsets of empty groups only: stop the invalidator and warmer (scale them to zero) "
                            + "and run again, or pass --stop-consumers to remove the members (they rejoin and resume from the moved offsets).");
                }
            }
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("state", ReplayStatus.MOVING);
            fields.put("from", from == null ? "beginning" : from.toString());
            fields.put("to", until == null ? "end" : until.toString());
            fields.put("groups", String.join(",", plan.keySet()));
            fields.put("tables", selected.toString());
            fields.put("startedAt", Instant.now().toString());
            status(redis, fields);
            for (var entry : plan.entrySet()) {
                move(replay, entry.getKey(), entry.getValue());
            }
            for (var entry : plan.entrySet()) {
                var committed = replay.committed(entry.getKey());
                for (OffsetReplay.Move move : entry.getValue()) {
                    var at = committed.get(move.partition());
                    out().printf("moved %s %s to offset %d (committed now: %s)%n", entry.getKey(), move.partition(), move.target(),
                            at == null ? "none" : Long.toString(at.offset()));
                }
            }
            long total = plan.values().stream().flatMap(List::stream).mapToLong(move -> Math.max(0, move.until() - move.target())).sum();
            status(redis, Map.of("state", noWait ? "moved" : "catching-up", "records", Long.toString(total)));
            if (noWait) {
                out().println("offsets moved; the invalidator and warmer re-apply " + total + " records once they run");
                return 0;
            }
            return awaitCaughtUp(replay, plan, total, wait, redis);
        }
    }

    private void move(OffsetReplay replay, String group, List<OffsetReplay.Move> moves) throws InterruptedException {
        if (moves.isEmpty()) {
            return;
        }
        int attempts = stopConsumers ? 50 : 1;
        for (int attempt = 1; ; attempt++) {
            try {
                if (stopConsumers && !replay.members(group).isEmpty()) {
                    replay.removeMembers(group);
                }
                replay.apply(group, moves);
                return;
            } catch (IllegalStateException e) {
                if (attempt >= attempts) {
                    throw new IllegalStateException("cannot move the offsets of group " + group + ": " + e.getMessage()
                            + (stopConsumers ? " (its members kept rejoining; stop the processes instead)" : ""), e);
                }
                Thread.sleep(100);
            }
        }
    }

    private int awaitCaughtUp(OffsetReplay replay, Map<String, List<OffsetReplay.Move>> plan, long total, Duration wait,
                              RedisConfig redis) throws InterruptedException {
        var printer = new ProgressPrinter(out(), progress);
        long deadline = System.nanoTime() + wait.toNanos();
        boolean hinted = false;
        while (true) {
            long remaining = 0;
            for (var entry : plan.entrySet()) {
                remaining += replay.remaining(entry.getKey(), entry.getValue());
            }
            printer.update("replay", total - remaining, total);
            if (remaining == 0) {
                printer.finish();
                out().println("caught up: " + total + " records re-applied");
                status(redis, Map.of("state", "caught-up", "remaining", "0", "finishedAt", Instant.now().toString()));
                return 0;
            }
            if (!hinted && plan.keySet().stream().allMatch(group -> replay.members(group).isEmpty())) {
                printer.finish();
                out().println("waiting: no member in the groups; start the invalidator and warmer, they resume from the moved offsets");
                hinted = true;
            }
            if (System.nanoTime() > deadline) {
                printer.finish();
                status(redis, Map.of("state", "timed-out", "remaining", Long.toString(remaining)));
                throw new IllegalStateException("not caught up within " + timeout + ": " + remaining
                        + " records left (the offsets are moved; watch with kafka-consumer-groups --describe or cachepipe stats)");
            }
            status(redis, Map.of("remaining", Long.toString(remaining)));
            Thread.sleep(500);
        }
    }

    private void print(Map<String, List<OffsetReplay.Move>> plan) {
        out().printf("%-28s %-40s %12s %12s %12s%n", "group", "partition", "committed", "target", "re-read");
        plan.forEach((group, moves) -> moves.forEach(move -> out().printf("%-28s %-40s %12s %12d %12d%n", group,
                move.partition(), move.committed() < 0 ? "-" : Long.toString(move.committed()), move.target(), move.records())));
    }

    private static Instant time(String option, @Nullable String text) {
        String problem = option + " '" + text + "' is not an ISO-8601 time with offset, such as 2026-11-22T02:00:00Z";
        if (text == null) {
            throw new IllegalArgumentException(problem);
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(problem, e);
        }
    }

    private @Nullable RedisConnector statusRedis;
    private @Nullable KeySpace statusKeys;

    /** Best effort: the status is for GET /admin/replay/status; the replay does not depend on it. */
    private void status(@Nullable RedisConfig redis, Map<String, String> fields) {
        if (redis == null) {
            return;
        }
        try {
            if (statusRedis == null) {
                statusRedis = RedisConnector.connect(redis);
            }
            new ReplayStatus(statusRedis, java.util.Objects.requireNonNull(statusKeys, "run() names the keys first"))
                    .record(fields, Instant.now());
        } catch (RuntimeException e) {
            err().println("warning: cannot record the replay status in Redis: " + e.getMessage());
        }
    }
}
