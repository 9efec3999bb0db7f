package io.cachepipe.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** One shipped example: its schema script and its views declaration, both on the classpath. */
public enum ExampleSchema {
    CATALOG("catalog"),
    PLANS("plans");

    private final String folder;

    ExampleSchema(String folder) {
        this.folder = folder;
    }

    /** The {@code views.file} value that loads this example's views. */
    public String viewsLocation() {
        return "classpath:" + folder + "/views.yaml";
    }

    public String schemaSql() {
        String resource = folder + "/schema.sql";
        try (InputStream in = ExampleSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the tables (idempotent). */
    public void create(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(schemaSql());
        }
    }
}
