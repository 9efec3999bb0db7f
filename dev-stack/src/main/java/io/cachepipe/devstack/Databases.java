package io.cachepipe.devstack;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Pattern;

/** What every provider's PostgreSQL does the same way over JDBC. */
final class Databases {
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final String DUPLICATE_DATABASE = "42P04";

    private Databases() {
    }

    /**
     * @param maintenanceUrl a database that always exists ({@code postgres}) to run CREATE DATABASE from
     */
    static void createIfAbsent(String maintenanceUrl, String user, String password, String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Database name '" + name
                    + "' is not a plain lowercase identifier ([a-z_][a-z0-9_]*, at most 63 characters)");
        }
        try (Connection connection = DriverManager.getConnection(maintenanceUrl, user, password)) {
            try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, name);
                try (ResultSet rows = exists.executeQuery()) {
                    if (rows.next()) {
                        return;
                    }
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + name + "\"");
            }
        } catch (SQLException e) {
            if (DUPLICATE_DATABASE.equals(e.getSQLState())) {
                return;
            }
            throw new DevStackException("Could not create database " + name + " via " + maintenanceUrl + " as " + user
                    + ": " + e.getMessage() + " (SQLState " + e.getSQLState() + ")", e);
        }
    }

    static void awaitConnectable(String jdbcUrl, String user, String password, Duration timeout) {
        Poll.until("PostgreSQL at " + jdbcUrl + " to accept " + user, timeout, () -> {
            try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
                 Statement statement = connection.createStatement()) {
                return statement.execute("SELECT 1");
            }
        });
    }
}
