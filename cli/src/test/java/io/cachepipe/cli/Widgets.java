package io.cachepipe.cli;

import io.cachepipe.testsupport.Jdbc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A schema and views file of a test's own (not the demo catalog), for the tests that run
 * {@code cachepipe run -c cachepipe.yaml} as a user would on their data: one table, one row view.
 */
final class Widgets {
    /** The views file: widget by id, at /widgets/{id}. */
    static final String VIEWS = """
            views:
              widget:
                key: widget:{id}
                route: /widgets/{id}
                params:
                  id: {type: long, min: 1}
                sql: SELECT id, name, price FROM widgets WHERE id = :id
                result: row
                ttl: 10m
                sources:
                  - table: public.widgets
                    bind: {id: id}
            """;

    private Widgets() {
    }

    /** Creates the table with {@code rows} rows named "widget N". */
    static void create(Jdbc jdbc, int rows) {
        jdbc.execute("CREATE TABLE widgets (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT NULL)");
        jdbc.execute("INSERT INTO widgets SELECT g, 'widget ' || g, g * 1.5 FROM generate_series(1, " + rows + ") g");
    }

    /** Writes {@code views} as views.yaml in {@code dir}. */
    static Path writeViews(Path dir, String views) throws IOException {
        return Files.writeString(Files.createDirectories(dir).resolve("views.yaml"), views);
    }

    /** Writes {@code settings} as the YAML settings file cachepipe.yaml in {@code dir}, each value quoted. */
    static Path writeSettings(Path dir, Map<String, String> settings) throws IOException {
        StringBuilder yaml = new StringBuilder();
        settings.forEach((key, value) -> yaml.append(key).append(": '").append(value.replace("'", "''")).append("'\n"));
        return Files.writeString(dir.resolve("cachepipe.yaml"), yaml);
    }
}
