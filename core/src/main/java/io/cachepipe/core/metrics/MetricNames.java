package io.cachepipe.core.metrics;

/**
 * Every metric cachepipe publishes, named once. Micrometer's dotted names become Prometheus
 * names with underscores ({@code cachepipe.cache.requests} → {@code cachepipe_cache_requests_total}).
 */
public final class MetricNames {
    /** Cache reads by view and result: hit, stale, miss, fallback. */
    public static final String CACHE_REQUESTS = "cachepipe.cache.requests";
    /** Read-path fills by view and result: written, refused (a change voided the lease). */
    public static final String CACHE_FILLS = "cachepipe.cache.fills";
    /** Reads answered from PostgreSQL without the cache, by reason: redis-unavailable, busy, disabled. */
    public static final String CACHE_FALLBACKS = "cachepipe.cache.fallbacks";
    /** Commit (source.ts_ms) to the invalidation applied in Redis. */
    public static final String FRESHNESS_INVALIDATED = "cachepipe.freshness.invalidated";
    /** Commit to the re-warmed value written to Redis. */
    public static final String FRESHNESS_WARMED = "cachepipe.freshness.warmed";
    /** Change events captured by cdc-capture, by table. */
    public static final String CDC_EVENTS = "cachepipe.cdc.events";
    /** Batches cdc-capture held back until their transactions were visible to new snapshots (see CommitVisibility). */
    public static final String CDC_VISIBILITY_HOLDS = "cachepipe.cdc.visibility.holds";
    /** How long held batches waited for their transactions to become visible. */
    public static final String CDC_VISIBILITY_HOLD_TIME = "cachepipe.cdc.visibility.hold";
    /** Bytes of WAL the replication slot retains behind the current position. */
    public static final String CDC_SLOT_LAG_BYTES = "cachepipe.cdc.slot.lag.bytes";
    /** Flush lag of the replication slot's consumer as PostgreSQL measures it; -1 with no consumer attached. */
    public static final String CDC_SLOT_LAG_SECONDS = "cachepipe.cdc.slot.lag.seconds";
    /** Change events the invalidator processed, by table and operation. */
    public static final String INVALIDATOR_CHANGES = "cachepipe.invalidator.changes";
    /** Invalidations applied, by view and kind: key, group, view. */
    public static final String INVALIDATOR_TARGETS = "cachepipe.invalidator.targets";
    /** Changes that could not name their keys and invalidated the whole view instead, by view. */
    public static final String INVALIDATOR_WIDENED = "cachepipe.invalidator.widened";
    /** Changes whose row image could not be rendered, so the key was invalidated and re-warmed instead. */
    public static final String ROW_IMAGE_FALLBACKS = "cachepipe.invalidator.row.image.fallbacks";
    /** Records sent to the dead-letter topic, by stage. */
    public static final String DEAD_LETTERS = "cachepipe.dead.letters";
    /**
     * Warm requests in the invalidator, by stage: received (one per invalidated cached key) and sent
     * (after coalescing per key and window). sent / received is the reload ratio of hot keys.
     */
    public static final String WARM_REQUESTS = "cachepipe.invalidator.warm.requests";
    /**
     * Reloads per change of a cached key: warm requests sent over warm requests received since the
     * process started (a gauge; 1 when nothing coalesced, 0.01 when a key changed 100 times in one
     * window caused one reload; NaN before the first). Over a recent interval, divide the rates of the
     * two {@link #WARM_REQUESTS} counters instead.
     */
    public static final String WARM_RELOAD_RATIO = "cachepipe.invalidator.warm.reload.ratio";
    /** Warm requests the invalidator holds for coalescing and has not sent yet (a gauge). */
    public static final String WARM_REQUESTS_HELD = "cachepipe.invalidator.warm.held";
    /** Warm requests handled by the warmer, by view and result: written, refused, failed. */
    public static final String WARMER_LOADS = "cachepipe.warmer.loads";
    /** Database queries the warmer ran, by view: one per batch of keys, so queries per warm request shows the batching. */
    public static final String WARMER_QUERIES = "cachepipe.warmer.queries";
    /** Cache entries the background audit compared with the database, by view. */
    public static final String AUDIT_CHECKS = "cachepipe.audit.checks";
    /** Entries the audit confirmed incoherent, by view and kind: stale, missing, extra. Should stay 0. */
    public static final String AUDIT_INCOHERENT = "cachepipe.audit.incoherent";

    private MetricNames() {
    }
}
