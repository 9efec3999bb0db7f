package io.cachepipe.devstack;

/** A PostgreSQL server whose user may create databases and use logical replication. */
public interface PostgresServer extends ManagedServer {
    /** The database every provider creates at start. */
    String DEFAULT_DATABASE = "cachepipe";

    String host();

    int port();

    String user();

    String password();

    /** {@value #DEFAULT_DATABASE} unless an external URL names another. */
    String database();

    /** {@code jdbc:postgresql://host:port/<database()>}. */
    default String jdbcUrl() {
        return jdbcUrl(database());
    }

    /** The JDBC URL of another database on the same server. */
    String jdbcUrl(String database);

    /**
     * Creates the database unless it exists, so tests sharing one server can each have their own.
     *
     * @param name a plain lowercase identifier ({@code [a-z_][a-z0-9_]*}, at most 63 characters)
     */
    void createDatabase(String name);
}
