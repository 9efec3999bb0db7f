package io.cachepipe.testsupport;

import java.sql.SQLException;

/** A failed statement from {@link Jdbc}: the URL and SQL it ran, and PostgreSQL's own words. */
public final class JdbcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JdbcException(String url, String sql, SQLException cause) {
        super("SQL failed on " + url + " (SQLState " + cause.getSQLState() + "): " + cause.getMessage()
                + "\n  SQL: " + abbreviate(sql), cause);
    }

    private static String abbreviate(String sql) {
        String oneLine = sql.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + " ...";
    }
}
