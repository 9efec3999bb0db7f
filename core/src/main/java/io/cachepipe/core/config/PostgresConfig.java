package io.cachepipe.core.config;

import java.time.Duration;
import java.util.List;

/**
 * How to reach PostgreSQL, and how each process pools its connections. The user must be allowed
 * logical replication for cdc-capture.
 */
public record PostgresConfig(String jdbcUrl, String user, String password, int poolSize, Pool pool, Duration slowLoad,
        int planCheckRows) {
    public static final Setting<String> URL = Setting.required("postgres.url", Parsers.nonBlank(),
            "JDBC URL of the database, e.g. jdbc:postgresql://localhost:5432/shop");
    public static final Setting<String> USER = Setting.optional("postgres.user", "postgres", Parsers.nonBlank(),
            "database user");
    public static final Setting<String> PASSWORD = Setting.optional("postgres.password", "", Parsers.text(),
            "database password").asSecret();
    public static final Setting<Integer> POOL_SIZE = Setting.optional("postgres.pool-size", "8", Parsers.integer(1, 500),
            "connections in each process's pool at most (HikariCP); mind max_connections across instances (docs/scaling.md)");
    public static final Setting<Integer> POOL_MIN_IDLE = Setting.optional("postgres.pool-min-idle", "2", Parsers.integer(0, 500),
            "connections kept open while idle (a pool smaller than this keeps all of its connections)");
    public static final Setting<Duration> POOL_CONNECTION_TIMEOUT = Setting.optional("postgres.pool-connection-timeout", "5s",
            Parsers.duration(Duration.ofMillis(250), Duration.ofMinutes(5)),
            "how long a read or load waits for a free connection before it fails");
    public static final Setting<Duration> POOL_MAX_LIFETIME = Setting.optional("postgres.pool-max-lifetime", "30m",
            Parsers.duration(Duration.ofSeconds(30), Duration.ofDays(1)),
            "a connection is replaced after this long (shorter than any timeout of a proxy or the server in between)");
    public static final Setting<Duration> POOL_KEEPALIVE = Setting.optional("postgres.pool-keepalive", "2m",
            Parsers.duration(Duration.ZERO, Duration.ofHours(1)),
            "idle connections are tested this often, so a dead one is found before a read takes it (0: never)");
    public static final Setting<Duration> STATEMENT_TIMEOUT = Setting.optional("postgres.statement-timeout", "10s",
            Parsers.duration(Duration.ZERO, Duration.ofHours(1)),
            "PostgreSQL cancels a statement of cachepipe's (a load, a write, a check) that runs longer, so that a table a migration"
                    + " holds locked cannot hold every pooled connection; the API answers 503 then (0: never)");
    public static final Setting<Duration> SLOW_LOAD = Setting.optional("postgres.slow-load", "500ms",
            Parsers.duration(Duration.ZERO, Duration.ofHours(1)),
            "a view load slower than this is logged with its view, keys and SQL (0: never); every load is timed on /metrics");
    public static final Setting<Integer> PLAN_CHECK_ROWS = Setting.optional("postgres.plan-check-rows", "10000",
            Parsers.integer(0, Integer.MAX_VALUE),
            "at start-up, a view whose SQL reads every row of a table this large (EXPLAIN: Seq Scan) is named in a warning (0: no check)");
    public static final Setting<Duration> POOL_LEAK_DETECTION = Setting.optional("postgres.pool-leak-detection", "0s",
            Parsers.duration(Duration.ZERO, Duration.ofHours(1)),
            "log a stack trace when a connection is held longer than this (0: off; 2s or more when on)");

    /**
     * HikariCP's settings beside the size.
     *
     * @param keepalive        0 for never
     * @param leakDetection    0 for off
     * @param statementTimeout each connection's {@code statement_timeout}; 0 for none
     */
    public record Pool(int minIdle, Duration connectionTimeout, Duration maxLifetime, Duration keepalive, Duration leakDetection,
                       Duration statementTimeout) {
        /** The documented defaults. */
        public static final Pool DEFAULTS = new Pool(2, Duration.ofSeconds(5), Duration.ofMinutes(30), Duration.ofMinutes(2),
                Duration.ZERO, Duration.ofSeconds(10));
    }

    /** A connection with the pool's default settings. */
    public PostgresConfig(String jdbcUrl, String user, String password, int poolSize) {
        this(jdbcUrl, user, password, poolSize, Pool.DEFAULTS, Duration.ofMillis(500), 10_000);
    }

    public PostgresConfig {
        var problems = new Problems()
                .check(jdbcUrl.startsWith("jdbc:postgresql://"),
                        "postgres.url = '" + Secrets.maskUrlPasswords(jdbcUrl) + "': expected a URL starting with jdbc:postgresql://")
                .check(pool.keepalive().isZero() || pool.keepalive().toSeconds() >= 30 && pool.keepalive().compareTo(pool.maxLifetime()) < 0,
                        "postgres.pool-keepalive must be 0 (never) or from 30s (HikariCP's least) to below postgres.pool-max-lifetime")
                .check(pool.leakDetection().isZero() || pool.leakDetection().toMillis() >= 2000,
                        "postgres.pool-leak-detection must be 0 (off) or at least 2s (HikariCP ignores shorter)");
        problems.addAll(PostgresUrlTls.problems(jdbcUrl));
        problems.throwIfAny();
    }

    public static PostgresConfig read(Settings settings) {
        Settings.Values values = settings.require(URL, USER, PASSWORD, POOL_SIZE, POOL_MIN_IDLE, POOL_CONNECTION_TIMEOUT,
                POOL_MAX_LIFETIME, POOL_KEEPALIVE, POOL_LEAK_DETECTION, STATEMENT_TIMEOUT, SLOW_LOAD, PLAN_CHECK_ROWS);
        return new PostgresConfig(values.get(URL), values.get(USER), values.get(PASSWORD), values.get(POOL_SIZE),
                new Pool(values.get(POOL_MIN_IDLE), values.get(POOL_CONNECTION_TIMEOUT), values.get(POOL_MAX_LIFETIME),
                        values.get(POOL_KEEPALIVE), values.get(POOL_LEAK_DETECTION), values.get(STATEMENT_TIMEOUT)), values.get(SLOW_LOAD),
                values.get(PLAN_CHECK_ROWS));
    }

    public static List<Setting<?>> settings() {
        return List.of(URL, USER, PASSWORD, POOL_SIZE, POOL_MIN_IDLE, POOL_CONNECTION_TIMEOUT, POOL_MAX_LIFETIME, POOL_KEEPALIVE,
                POOL_LEAK_DETECTION, STATEMENT_TIMEOUT, SLOW_LOAD, PLAN_CHECK_ROWS);
    }

    /** The same connection and pool settings with another pool size. */
    public PostgresConfig withPoolSize(int size) {
        return new PostgresConfig(jdbcUrl, user, password, size, pool, slowLoad, planCheckRows);
    }

    /** The URL fit for a log line or an error message: a {@code password=} parameter masked. */
    public String safeUrl() {
        return Secrets.maskUrlPasswords(jdbcUrl);
    }

    /** Never prints the password, nor one the URL carries. */
    @Override
    public String toString() {
        return "PostgresConfig[jdbcUrl=" + safeUrl() + ", user=" + user + ", password=" + PASSWORD.mask(password)
                + ", poolSize=" + poolSize + ", pool=" + pool + ", slowLoad=" + slowLoad + ", planCheckRows=" + planCheckRows + "]";
    }
}
