package io.cachepipe.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cachepipe.core.config.PostgresConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/** HikariCP pools configured the one way cachepipe needs them. */
public final class DataSources {
    private DataSources() {
    }

    /**
     * A pool that fails fast at start-up when the database is unreachable (HikariCP's
     * {@code initializationFailTimeout}), with the URL in the message.
     */
    public static ConnectionPool pool(PostgresConfig config, String name) {
        return open(config, name, new HikariConfig(), null);
    }

    /** The same pool, its figures ({@code hikaricp.connections.*}: active, idle, pending, timeouts, usage) in {@code metrics}. */
    public static ConnectionPool pool(PostgresConfig config, String name, MeterRegistry metrics) {
        var hikari = new HikariConfig();
        hikari.setMetricRegistry(metrics);
        return open(config, name, hikari, metrics);
    }

    private static ConnectionPool open(PostgresConfig config, String name, HikariConfig hikari, @Nullable MeterRegistry metrics) {
        hikari.setPoolName("cachepipe-" + name);
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setUsername(config.user());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(Math.min(config.pool().minIdle(), config.poolSize()));
        hikari.setConnectionTimeout(config.pool().connectionTimeout().toMillis());
        hikari.setMaxLifetime(config.pool().maxLifetime().toMillis());
        hikari.setKeepaliveTime(config.pool().keepalive().toMillis());
        hikari.setLeakDetectionThreshold(config.pool().leakDetection().toMillis());
        hikari.setValidationTimeout(Duration.ofSeconds(2).toMillis());
        hikari.setInitializationFailTimeout(Duration.ofSeconds(10).toMillis());
        if (!config.pool().statementTimeout().isZero()) {
            // Set per session rather than as a startup option, which PgBouncer refuses unless told to ignore it.
            hikari.setConnectionInitSql("SET statement_timeout = " + config.pool().statementTimeout().toMillis());
        }
        hikari.addDataSourceProperty("ApplicationName", "cachepipe-" + name);
        hikari.addDataSourceProperty("prepareThreshold", "1");
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        try {
            return new HikariPool(hikari, metrics, config.slowLoad());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot open a connection pool to " + config.safeUrl() + " as " + config.user()
                    + ": " + e.getMessage() + ". " + advice(e), e);
        }
    }

    /**
     * What to check. A failed TLS handshake (the driver's "SSL error: PKIX path building failed", a host
     * name the server's certificate does not name, a server without TLS) is about the URL's ssl parameters,
     * not about whether PostgreSQL runs.
     */
    static String advice(Throwable failure) {
        @Nullable Throwable cause = failure;
        while (cause != null) {
            String message = String.valueOf(cause.getMessage());
            if (cause instanceof SSLException || message.contains("SSL") || message.contains("hostnameverifier")) {
                return "The TLS connection failed: check the ssl parameters of postgres.url (sslmode; sslrootcert, the CA"
                        + " certificate that signed the server's; sslcert and sslkey if the server asks for a client certificate)"
                        + " and that its host is one the server's certificate names";
            }
            cause = cause.getCause() == cause ? null : cause.getCause();
        }
        return "Is PostgreSQL running there? (set postgres.url / CACHEPIPE_POSTGRES_URL)";
    }

    /** HikariCP's pool, under the name callers know. */
    private static final class HikariPool extends HikariDataSource implements ConnectionPool {
        private final @Nullable MeterRegistry metrics;
        private final Duration slowLoad;

        HikariPool(HikariConfig config, @Nullable MeterRegistry metrics, Duration slowLoad) {
            super(config);
            this.metrics = metrics;
            this.slowLoad = slowLoad;
        }

        @Override
        public LoadTimer loads(LoadTimer.Cause cause) {
            return LoadTimer.of(metrics, cause, slowLoad);
        }
    }
}
