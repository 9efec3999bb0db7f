package io.cachepipe.store.postgres;

import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.ViewDefinition;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times every database load of a view ({@link MetricNames#DB_LOADS}, by view and cause), and logs and
 * counts ({@link MetricNames#DB_SLOW_LOADS}) a load slower than the threshold ({@code postgres.slow-load})
 * with its view, keys and SQL: the database side of the cache, measured where it is paid.
 */
public final class LoadTimer {
    private static final Logger log = LoggerFactory.getLogger(LoadTimer.class);

    /** Why a value was loaded. */
    public enum Cause {
        /** A reader's miss, under its lease. */
        FILL,
        /** A change's re-warm, or an operator's warm. */
        WARM,
        /** A rebuild's batched reads. */
        REBUILD,
        /** The audit's comparison with the database. */
        AUDIT
    }

    /** Times nothing and logs nothing: for tools and tests that do not watch their loads. */
    public static final LoadTimer NONE = new LoadTimer(null, Cause.FILL, Duration.ZERO);

    private final @Nullable MeterRegistry metrics;
    private final String cause;
    private final long slowNanos;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    private LoadTimer(@Nullable MeterRegistry metrics, Cause cause, Duration slow) {
        this.metrics = metrics;
        this.cause = cause.name().toLowerCase(Locale.ROOT);
        this.slowNanos = slow.toNanos();
    }

    /** @param slow a load taking longer is logged with its SQL (zero: never) */
    public static LoadTimer of(@Nullable MeterRegistry metrics, Cause cause, Duration slow) {
        return new LoadTimer(metrics, cause, slow);
    }

    /** The timer of {@code cause} for loads through {@code dataSource}: its pool's, or none for a plain data source. */
    public static LoadTimer of(javax.sql.DataSource dataSource, Cause cause) {
        return dataSource instanceof ConnectionPool pool ? pool.loads(cause) : NONE;
    }

    /** One database call. */
    @FunctionalInterface
    public interface Load<T> {
        T run() throws SQLException;
    }

    /** Runs {@code load} of {@code keys} keys of {@code view}, timing it. */
    public <T> T time(ViewDefinition view, int keys, String sql, Load<T> load) throws SQLException {
        if (metrics == null && slowNanos == 0) {
            return load.run();
        }
        long started = System.nanoTime();
        try {
            return load.run();
        } finally {
            long took = System.nanoTime() - started;
            if (metrics != null) {
                timers.computeIfAbsent(view.name(), name -> Timer.builder(MetricNames.DB_LOADS).tag("view", name).tag("cause", cause)
                        .register(metrics)).record(took, TimeUnit.NANOSECONDS);
            }
            if (slowNanos > 0 && took > slowNanos) {
                if (metrics != null) {
                    metrics.counter(MetricNames.DB_SLOW_LOADS, "view", view.name(), "cause", cause).increment();
                }
                log.warn("Slow load: view {} ({} key{}, {}) took {} ms, over postgres.slow-load = {} ms: {}", view.name(), keys,
                        keys == 1 ? "" : "s", cause, took / 1_000_000, slowNanos / 1_000_000, sql.replaceAll("\\s+", " ").strip());
            }
        }
    }
}
