package io.cachepipe.core.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Every metric cachepipe publishes, named and described once. Micrometer's dotted names become
 * Prometheus names with underscores ({@code cachepipe.cache.requests} → {@code cachepipe_cache_requests_total});
 * {@link Metrics#prometheus} gives each meter its description here, which Prometheus shows as {@code # HELP}.
 */
public final class MetricNames {
    private static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();

    public static final String CACHE_REQUESTS = metric("cachepipe.cache.requests",
            "Cache reads by view and result: hit, stale, miss, fallback");
    public static final String CACHE_FILLS = metric("cachepipe.cache.fills",
            "Read-path fills by view and result: written, refused (a change voided the lease)");
    public static final String CACHE_FALLBACKS = metric("cachepipe.cache.fallbacks",
            "Reads answered from PostgreSQL without the cache, by reason: redis-unavailable, redis-full, busy, disabled");
    public static final String FRESHNESS_INVALIDATED = metric("cachepipe.freshness.invalidated",
            "Commit (source.ts_ms) to the invalidation applied in Redis");
    public static final String FRESHNESS_WARMED = metric("cachepipe.freshness.warmed",
            "Commit to the re-warmed value written to Redis");
    public static final String CDC_EVENTS = metric("cachepipe.cdc.events",
            "Change events captured by cdc-capture, by table");
    public static final String CDC_OVERSIZED_CHANGES = metric("cachepipe.cdc.oversized.changes",
            "Changes larger than a Kafka message, published with their largest values as unavailable (loaded from PostgreSQL)");
    public static final String CDC_PUBLICATION_REPAIRS = metric("cachepipe.cdc.publication.repairs",
            "Captured tables cdc-capture found missing from its publication (swapped in under the name, or created again) and added");
    public static final String CDC_VISIBILITY_HOLDS = metric("cachepipe.cdc.visibility.holds",
            "Batches cdc-capture held back until their transactions were visible to new snapshots (see CommitVisibility)");
    public static final String CDC_VISIBILITY_HOLD_TIME = metric("cachepipe.cdc.visibility.hold",
            "How long held batches waited for their transactions to become visible");
    public static final String CDC_SLOT_LAG_BYTES = metric("cachepipe.cdc.slot.lag.bytes",
            "Bytes of WAL the replication slot retains behind the current position");
    public static final String CDC_SLOT_LAG_SECONDS = metric("cachepipe.cdc.slot.lag.seconds",
            "Flush lag of the replication slot's consumer as PostgreSQL measures it; -1 with no consumer attached");
    public static final String CDC_SLOT_LOSSES = metric("cachepipe.cdc.slot.losses",
            "Times cdc-capture found its replication slot had lost changes (dropped, invalidated, moved past the stored"
                    + " position) and had every cached value dropped. Should stay 0");
    public static final String CDC_BEHIND_SOURCE = metric("cachepipe.cdc.behind.source",
            "Debezium: time between the newest change's commit and its capture (MilliSecondsBehindSource); NaN before streaming");
    public static final String CDC_QUEUE_REMAINING = metric("cachepipe.cdc.queue.remaining",
            "Debezium: free places in the connector's queue of captured changes (0: cdc-capture is the bottleneck)");
    public static final String CDC_QUEUE_CAPACITY = metric("cachepipe.cdc.queue.capacity",
            "Debezium: size of the connector's queue of captured changes (cdc.max-queue-size)");
    public static final String CDC_CONNECTED = metric("cachepipe.cdc.connected",
            "Debezium: 1 while the connector is connected to PostgreSQL's replication stream, 0 when not, NaN before streaming");
    public static final String CACHE_HIT_RATIO = metric("cachepipe.cache.hit.ratio",
            "Share of this API instance's reads of a view answered without a database query of their own, since it started");
    public static final String INVALIDATOR_CHANGES = metric("cachepipe.invalidator.changes",
            "Change events the invalidator processed, by table and operation");
    public static final String INVALIDATOR_TARGETS = metric("cachepipe.invalidator.targets",
            "Invalidations applied, by view and kind: key, group, view");
    public static final String INVALIDATOR_WIDENED = metric("cachepipe.invalidator.widened",
            "Changes that could not name their keys and invalidated the whole view instead, by view");
    public static final String ROW_IMAGE_FALLBACKS = metric("cachepipe.invalidator.row.image.fallbacks",
            "Changes whose row image could not be rendered, so the key was invalidated and re-warmed instead");
    public static final String DEAD_LETTERS = metric("cachepipe.dead.letters",
            "Records sent to the dead-letter topic, by stage");
    public static final String WARM_REQUESTS = metric("cachepipe.invalidator.warm.requests",
            "Warm requests in the invalidator, by stage: received (one per invalidated cached key) and sent"
                    + " (after coalescing per key and window). sent / received is the reload ratio of hot keys");
    public static final String WARM_RELOAD_RATIO = metric("cachepipe.invalidator.warm.reload.ratio",
            "Reloads per change of a cached key: warm requests sent over received since the process started"
                    + " (1 when nothing coalesced, 0.01 when a key changed 100 times in one window caused one reload;"
                    + " NaN before the first). Over a recent interval, divide the rates of the two warm.requests counters");
    public static final String WARM_REQUESTS_HELD = metric("cachepipe.invalidator.warm.held",
            "Warm requests the invalidator holds for coalescing and has not sent yet (a gauge)");
    public static final String WARMER_LOADS = metric("cachepipe.warmer.loads",
            "Warm requests handled by the warmer, by view and result: written, refused, failed");
    public static final String WARMER_QUERIES = metric("cachepipe.warmer.queries",
            "Database queries the warmer ran, by view: one per batch of keys, so queries per warm request shows the batching");
    public static final String DB_LOADS = metric("cachepipe.db.loads",
            "Database loads of a view's values, by view and cause (fill, warm, rebuild, audit): one query, of one key or a batch");
    public static final String DB_SLOW_LOADS = metric("cachepipe.db.slow.loads",
            "Database loads slower than postgres.slow-load, by view and cause; each is logged with its SQL");
    public static final String BUILD_INFO = metric("cachepipe.build.info",
            "Always 1; its version tag says which cachepipe build this process runs");
    public static final String AUDIT_CHECKS = metric("cachepipe.audit.checks",
            "Cache entries the background audit compared with the database, by view");
    public static final String AUDIT_INCOHERENT = metric("cachepipe.audit.incoherent",
            "Entries the audit confirmed incoherent, by view and kind: stale, missing, extra. Should stay 0");
    public static final String INVALIDATOR_THREAD_REPLACEMENTS = metric("cachepipe.invalidator.thread.replacements",
            "Stream threads the invalidator replaced after a failure (each resumes from the last commit)");
    public static final String INVALIDATOR_REDIS_RESTARTS = metric("cachepipe.invalidator.redis.restarts",
            "Checks that found Redis data under a server not on record (a restart, a restore, a failover), by action: flushed or empty");
    public static final String INVALIDATOR_SLOT_LOSS_FLUSHES = metric("cachepipe.invalidator.slot.loss.flushes",
            "Slot loss notices from cdc-capture the invalidator acted on, dropping every cached value of every view");
    public static final String INVALIDATOR_SCHEMA_CHANGE_FLUSHES = metric("cachepipe.invalidator.schema.change.flushes",
            "Schema changes of captured tables the invalidator acted on, dropping the cached values of the views reading them");
    public static final String HTTP_SERVER_REQUESTS = metric("http.server.requests",
            "HTTP requests the API answered, by method, route and status");

    private MetricNames() {
    }

    private static String metric(String name, String description) {
        DESCRIPTIONS.put(name, description);
        return name;
    }

    /** The description of a cachepipe metric, or null for a name not declared here. */
    public static @Nullable String description(String name) {
        return DESCRIPTIONS.get(name);
    }

    /** The version of the cachepipe build this process runs, from its jar; "development" from a source tree. */
    public static String version() {
        String version = MetricNames.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    /** Every declared metric, name to description, in declaration order. */
    public static Map<String, String> all() {
        return Collections.unmodifiableMap(DESCRIPTIONS);
    }
}
