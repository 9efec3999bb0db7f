package io.cachepipe.api.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.store.kafka.SlotLossNotice;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /cache/summary}: a health score from 0 to 100 and what to do about each deduction, in
 * plain words (the seeds' "performance summary with recommendations"). Each check that fails takes
 * off a fixed number of points and adds one recommendation; the weights say what matters most:
 * Redis down (40), database down (30), replication slot lost changes or invalidated (30), hit rate
 * below target (up to 25), replication slot inactive (20) or lagging (15, growing 10 more), dead letters waiting (10), a stage lagging (10 each), the
 * PostgreSQL pool 80% in use or with threads waiting (5).
 */
public final class CacheSummary {
    /** Reads per view and how many of them were answered from cache. */
    public record ViewFigures(long requests, double hitRate) {
    }

    /** Hit rates are judged only over this many reads: fewer say nothing yet. */
    static final long MIN_READS = 100;
    /** A stage this many records behind is lagging. */
    static final long LAG_ALARM = 1000;

    private final Supplier<Map<String, ViewFigures>> figures;
    private final Supplier<RedisState> redis;
    private final DataSource dataSource;
    private final MeterRegistry metrics;
    private final double hitRateTarget;
    private final ReplicationSlots slots;
    private final @Nullable Supplier<PipelineProbe.Reading> pipelineReading;

    public CacheSummary(Supplier<Map<String, ViewFigures>> figures, Supplier<RedisState> redis, DataSource dataSource,
                        MeterRegistry metrics, int hitRateTargetPercent, int slotLagAlarmMb,
                        @Nullable Supplier<PipelineProbe.Reading> pipeline) {
        this(figures, redis, dataSource, metrics, hitRateTargetPercent, slotLagAlarmMb, pipeline, Optional::empty);
    }

    /**
     * @param pipeline  what Kafka says ({@link PipelineProbe#read}), or null when this API has no Kafka settings
     * @param slotLoss  the last time the replication slot lost changes, if within a day ({@code SlotLossRecord})
     */
    public CacheSummary(Supplier<Map<String, ViewFigures>> figures, Supplier<RedisState> redis, DataSource dataSource,
                        MeterRegistry metrics, int hitRateTargetPercent, int slotLagAlarmMb,
                        @Nullable Supplier<PipelineProbe.Reading> pipeline, Supplier<Optional<SlotLossNotice>> slotLoss) {
        this.figures = figures;
        this.redis = redis;
        this.dataSource = dataSource;
        this.metrics = metrics;
        this.hitRateTarget = hitRateTargetPercent / 100.0;
        this.slots = new ReplicationSlots(slotLagAlarmMb * 1024L * 1024L, slotLoss);
        this.pipelineReading = pipeline;
    }

    /** What the API's reads last found of Redis. */
    public enum RedisState {
        AVAILABLE,
        /** Answering, but refusing writes for want of memory. */
        FULL,
        /** Not answering: the circuit breaker is open. */
        UNREACHABLE
    }

    record Finding(int points, String severity, String message) {
    }

    /** A pool this busy (in use over its size) leaves reads waiting for a connection under the next burst. */
    static final double POOL_ALARM = 0.8;

    /** This process's PostgreSQL pools now (one per process; the demo's single JVM has two), from HikariCP's gauges. */
    private void pool(ObjectNode pool, List<Finding> findings) {
        double size = sum("hikaricp.connections.max");
        if (size <= 0) {
            pool.put("known", false);
            return;
        }
        double active = sum("hikaricp.connections.active");
        double waiting = sum("hikaricp.connections.pending");
        double utilisation = active / size;
        pool.put("known", true).put("active", (long) active).put("idle", (long) sum("hikaricp.connections.idle"))
                .put("size", (long) size).put("waiting", (long) waiting).put("utilisation", utilisation);
        if (utilisation >= POOL_ALARM || waiting > 0) {
            findings.add(new Finding(5, "warning", String.format(Locale.ROOT, "The PostgreSQL pool is %.0f%% in use (%d of %d "
                    + "connections, %d threads waiting): reads wait for a connection before they reach the database. Raise "
                    + "postgres.pool-size if the database has connections to spare (docs/scaling.md: the budget across "
                    + "instances), or find what holds connections long (slow view SQL).", utilisation * 100,
                    (long) active, (long) size, (long) waiting)));
        }
    }

    private double sum(String gauge) {
        return metrics.find(gauge).gauges().stream().mapToDouble(Gauge::value).filter(Double::isFinite).sum();
    }

    public ObjectNode render(ObjectMapper json) {
        ObjectNode body = json.createObjectNode();
        List<Finding> findings = new ArrayList<>();

        RedisState state = redis.get();
        body.putObject("redis").put("available", state != RedisState.UNREACHABLE).put("full", state == RedisState.FULL);
        switch (state) {
            case UNREACHABLE -> findings.add(new Finding(40, "critical", "Redis is unreachable: every read goes to PostgreSQL. Check Redis and "
                    + "the network; reads recover on their own once the circuit breaker's probe succeeds."));
            case FULL -> findings.add(new Finding(25, "critical", "Redis is out of memory (maxmemory under noeviction) and refuses "
                    + "writes: cached values are still served and the pipeline still takes changed ones away, but misses and "
                    + "re-warms are served from PostgreSQL without filling the cache. Raise maxmemory or free memory "
                    + "(docs/deploy.md, Sizing)."));
            case AVAILABLE -> {
            }
        }

        ObjectNode hit = body.putObject("hitRate");
        hit.put("target", hitRateTarget);
        long requests = 0;
        double answered = 0;
        ObjectNode byView = hit.putObject("byView");
        for (var entry : figures.get().entrySet()) {
            ViewFigures view = entry.getValue();
            byView.putObject(entry.getKey()).put("requests", view.requests()).put("hitRate", round(view.hitRate()));
            requests += view.requests();
            answered += view.hitRate() * view.requests();
            if (view.requests() >= MIN_READS && view.hitRate() < hitRateTarget) {
                findings.add(new Finding(0, "warning", String.format(Locale.ROOT, "View %s: hit rate %.0f%% is below the target "
                        + "%.0f%%. Warm it before traffic (cachepipe warm --views %s --hot), or raise its ttl if its data changes "
                        + "rarely.", entry.getKey(), view.hitRate() * 100, hitRateTarget * 100, entry.getKey())));
            }
        }
        double total = requests == 0 ? 0 : answered / requests;
        hit.put("requests", requests);
        hit.put("total", round(total));
        if (requests >= MIN_READS && total < hitRateTarget) {
            // whole percentage points short, rounded up; rounded to 0.01 first so that binary floating point
            // (0.80 - 0.62 = 0.18000000000000005) does not cost a point more than the shortfall
            int points = (int) Math.min(25, Math.ceil(Math.round((hitRateTarget - total) * 10_000) / 100.0));
            findings.add(new Finding(points, "warning", String.format(Locale.ROOT, "Overall hit rate %.0f%% is below the target "
                    + "%.0f%%: most reads pay a database query. After a Redis loss run cachepipe rebuild; before a launch run "
                    + "cachepipe warm --hot.", total * 100, hitRateTarget * 100)));
        }

        slots.read(body, dataSource, findings);

        pool(body.putObject("pool"), findings);

        ObjectNode pipeline = body.putObject("pipeline");
        if (pipelineReading == null) {
            pipeline.put("known", false).put("reason", "this API instance has no Kafka settings (kafka.bootstrap)");
        } else {
            PipelineProbe.Reading reading = pipelineReading.get();
            if (reading.error() != null) {
                pipeline.put("known", false).put("reason", reading.error());
                findings.add(new Finding(10, "warning", "Kafka cannot be read (" + reading.error() + "): lag and dead letters "
                        + "are unknown."));
            } else {
                pipeline.put("known", true);
                ObjectNode lag = pipeline.putObject("lag");
                reading.lagByStage().forEach((stage, records) -> {
                    lag.put(stage, records);
                    if (records > LAG_ALARM) {
                        findings.add(new Finding(10, "warning", "The " + stage + " is " + records + " records behind: the cache "
                                + "trails the database. Check that it runs (cachepipe stats), then add instances or partitions."));
                    }
                });
                pipeline.put("deadLetters", reading.deadLetters());
                if (reading.deadLetters() > 0) {
                    findings.add(new Finding(10, "warning", reading.deadLetters() + " records wait in the dead-letter topic: "
                            + "changes the pipeline could not process. Read them (each carries the reason), fix the cause, then "
                            + "replay (cachepipe replay --from <time>)."));
                }
            }
        }

        ObjectNode freshness = body.putObject("freshnessMs");
        percentiles(freshness, "invalidated", io.cachepipe.core.metrics.MetricNames.FRESHNESS_INVALIDATED);
        percentiles(freshness, "warmed", io.cachepipe.core.metrics.MetricNames.FRESHNESS_WARMED);

        queries(body.putObject("queries"), findings);

        int score = 100;
        for (Finding finding : findings) {
            score -= finding.points();
        }
        score = Math.max(0, score);
        body.put("healthScore", score);
        body.put("status", score >= 90 ? "healthy" : score >= 60 ? "degraded" : "unhealthy");
        ArrayNode recommendations = body.putArray("recommendations");
        if (findings.isEmpty()) {
            recommendations.addObject().put("severity", "info").put("message", "Everything looks healthy.");
        }
        findings.forEach(finding -> recommendations.addObject().put("severity", finding.severity()).put("message", finding.message()));
        return body;
    }

    /** A view whose loads take this long at p99 reads slowly on every miss: worth an EXPLAIN. */
    static final double SLOW_P99_MS = 1000;

    /**
     * This process's database loads per view and cause ({@code cachepipe.db.loads}): how many, and how
     * long at p50/p95/p99, with a note for a view whose p99 is over a second.
     */
    private void queries(ObjectNode queries, List<Finding> findings) {
        for (Timer timer : metrics.find(io.cachepipe.core.metrics.MetricNames.DB_LOADS).timers()) {
            String view = timer.getId().getTag("view");
            String cause = timer.getId().getTag("cause");
            if (view == null || cause == null || timer.count() == 0) {
                continue;
            }
            ObjectNode byView = queries.has(view) ? (ObjectNode) queries.get(view) : queries.putObject(view);
            timing(byView.putObject(cause), timer);
            for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
                if (value.percentile() == 0.99 && value.value(TimeUnit.MILLISECONDS) > SLOW_P99_MS && timer.count() >= MIN_READS) {
                    findings.add(new Finding(0, "warning", String.format(Locale.ROOT, "View %s: its %s loads take %.0f ms at p99: "
                            + "every miss waits that long. Check its SQL with EXPLAIN (an index on the columns its parameters "
                            + "bind?); slow loads are logged with their SQL (postgres.slow-load).", view, cause,
                            value.value(TimeUnit.MILLISECONDS))));
                }
            }
        }
    }

    private void percentiles(ObjectNode out, String name, String metric) {
        Timer timer = metrics.find(metric).timer();
        if (timer == null || timer.count() == 0) {
            return;
        }
        timing(out.putObject(name), timer);
    }

    private static void timing(ObjectNode node, Timer timer) {
        node.put("count", timer.count());
        for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
            node.put("p" + Math.round(value.percentile() * 100), round(value.value(TimeUnit.MILLISECONDS)));
        }
        node.put("max", round(timer.max(TimeUnit.MILLISECONDS)));
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}
