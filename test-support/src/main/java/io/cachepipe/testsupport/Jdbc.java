package io.cachepipe.testsupport;

import io.cachepipe.devstack.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jspecify.annotations.Nullable;

/**
 * Just enough JDBC for test set-up and checks: run a script, change rows, read one value. Each
 * call opens and closes its own connection (no pool to leak between tests); failures are
 * unchecked {@link JdbcException}s, so calls fit inside Awaitility lambdas.
 */
public final class Jdbc {
    private final String url;
    private final String user;
    private final String password;

    private Jdbc(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    public static Jdbc on(String url, String user, String password) {
        return new Jdbc(url, user, password);
    }

    /** The server's default database. */
    public static Jdbc on(PostgresServer postgres) {
        return on(postgres.jdbcUrl(), postgres.user(), postgres.password());
    }

    /** Another database on the server; it must exist ({@link PostgresServer#createDatabase}). */
    public static Jdbc on(PostgresServer postgres, String database) {
        return on(postgres.jdbcUrl(database), postgres.user(), postgres.password());
    }

    public String url() {
        return url;
    }

    /** A new connection; the caller closes it. */
    public Connection connect() {
        try {
            return DriverManager.getConnection(url, user, password);
        } catch (SQLException e) {
            throw new JdbcException(url, "(connect as " + user + ")", e);
        }
    }

    /**
     * Runs SQL text with any number of statements separated by semicolons (the PostgreSQL driver
     * splits them, dollar-quoted function bodies included). They run as one implicit transaction,
     * so statements that refuse transactions (CREATE DATABASE, CREATE INDEX CONCURRENTLY) need a
     * call of their own.
     */
    public void execute(String sql) {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new JdbcException(url, sql, e);
        }
    }

    /** {@link #execute} on a UTF-8 class-path resource, such as {@code "schema/catalog.sql"}. */
    public void executeResource(String resource) {
        String path = resource.startsWith("/") ? resource.substring(1) : resource;
        ClassLoader loader = Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader() : Jdbc.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("No class-path resource " + path);
            }
            execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read class-path resource " + path, e);
        }
    }

    /** INSERT, UPDATE or DELETE with {@code ?} parameters; returns the number of rows changed. */
    public int update(String sql, @Nullable Object... parameters) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, parameters)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new JdbcException(url, sql, e);
        }
    }

    /** The first column of the first row, or null when there is no row (or the value is NULL). */
    public @Nullable Object queryValue(String sql, @Nullable Object... parameters) {
        return queryValue(Object.class, sql, parameters);
    }

    /** The first column of the first row as {@code type} (via {@link ResultSet#getObject(int, Class)}), or null. */
    public <T> @Nullable T queryValue(Class<T> type, String sql, @Nullable Object... parameters) {
        try (Connection connection = connect();
             PreparedStatement statement = prepare(connection, sql, parameters);
             ResultSet rows = statement.executeQuery()) {
            return rows.next() ? rows.getObject(1, type) : null;
        } catch (SQLException e) {
            throw new JdbcException(url, sql, e);
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql, @Nullable Object... parameters)
            throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }

    @Override
    public String toString() {
        return "Jdbc[" + url + " as " + user + "]";
    }
}
