package io.cachepipe.core.config;

import java.util.List;

/** How to reach PostgreSQL. The user must be allowed logical replication for cdc-capture. */
public record PostgresConfig(String jdbcUrl, String user, String password, int poolSize) {
    public static final Setting<String> URL = Setting.required("postgres.url", Parsers.nonBlank(),
            "JDBC URL of the database, e.g. jdbc:postgresql://localhost:5432/shop");
    public static final Setting<String> USER = Setting.optional("postgres.user", "postgres", Parsers.nonBlank(),
            "database user");
    public static final Setting<String> PASSWORD = Setting.optional("postgres.password", "", Parsers.text(),
            "database password").asSecret();
    public static final Setting<Integer> POOL_SIZE = Setting.optional("postgres.pool-size", "8", Parsers.integer(1, 500),
            "connections in each process's pool (HikariCP)");

    public PostgresConfig {
        new Problems()
                .check(jdbcUrl.startsWith("jdbc:postgresql://"),
                        "postgres.url = '" + Secrets.maskUrlPasswords(jdbcUrl) + "': expected a URL starting with jdbc:postgresql://")
                .throwIfAny();
    }

    public static PostgresConfig read(Settings settings) {
        Settings.Values values = settings.require(URL, USER, PASSWORD, POOL_SIZE);
        return new PostgresConfig(values.get(URL), values.get(USER), values.get(PASSWORD), values.get(POOL_SIZE));
    }

    public static List<Setting<?>> settings() {
        return List.of(URL, USER, PASSWORD, POOL_SIZE);
    }

    /** Host part of the URL, for Debezium, which wants host, port and database separately. */
    public JdbcUrlParts parts() {
        return JdbcUrlParts.parse(jdbcUrl);
    }

    /** The URL fit for a log line or an error message: a {@code password=} parameter masked. */
    public String safeUrl() {
        return Secrets.maskUrlPasswords(jdbcUrl);
    }

    /** Never prints the password, nor one the URL carries. */
    @Override
    public String toString() {
        return "PostgresConfig[jdbcUrl=" + safeUrl() + ", user=" + user + ", password=" + PASSWORD.mask(password)
                + ", poolSize=" + poolSize + "]";
    }

    /** The pieces of a {@code jdbc:postgresql://host:port/database?params} URL. */
    public record JdbcUrlParts(String host, int port, String database) {
        static JdbcUrlParts parse(String jdbcUrl) {
            var uri = java.net.URI.create(jdbcUrl.substring("jdbc:".length()));
            String path = uri.getPath() == null ? "" : uri.getPath();
            return new JdbcUrlParts(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(),
                    path.startsWith("/") ? path.substring(1) : path);
        }
    }
}
