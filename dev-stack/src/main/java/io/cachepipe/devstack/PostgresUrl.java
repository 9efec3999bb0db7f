package io.cachepipe.devstack;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A single-host PostgreSQL JDBC URL, taken apart so tests can point it at another database. */
record PostgresUrl(String host, int port, String database, String parameters) {
    static final int DEFAULT_PORT = 5432;
    static final String FORMAT = "jdbc:postgresql://host[:port]/database[?parameters]";
    private static final Pattern URL = Pattern.compile(
            "jdbc:postgresql://([^/:?,\\[\\]]+|\\[[0-9a-fA-F:.]+])(?::(\\d{1,5}))?/([^/?]+)(\\?.*)?");

    /** @throws IllegalArgumentException saying which part is wrong */
    static PostgresUrl parse(String url) {
        Matcher matcher = URL.matcher(url);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("expected " + FORMAT + " (one host, a database)");
        }
        int port = matcher.group(2) == null ? DEFAULT_PORT : Integer.parseInt(matcher.group(2));
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " is outside 1-65535");
        }
        String parameters = matcher.group(4) == null ? "" : matcher.group(4);
        return new PostgresUrl(matcher.group(1), port, matcher.group(3), parameters);
    }

    String jdbcUrl(String otherDatabase) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + otherDatabase + parameters;
    }
}
