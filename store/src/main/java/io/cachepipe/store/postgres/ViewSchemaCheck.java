package io.cachepipe.store.postgres;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.config.ConfigException;
import io.cachepipe.core.config.Problems;
import io.cachepipe.core.view.NamedSql;
import io.cachepipe.core.view.SourceMapping;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Checks a view catalog against the database at start-up: every source table exists, every bound
 * column exists, and every view's SQL parses and plans (PostgreSQL prepares it without running it).
 * Reports every problem at once, each naming the views file, the view and the field, like the
 * problems {@link io.cachepipe.core.view.ViewsFile} finds without a database.
 */
public final class ViewSchemaCheck {
    private static final String SYNTAX_ERROR = "42601";

    private ViewSchemaCheck() {
    }

    public static void check(ViewCatalog catalog, DataSource dataSource) {
        var problems = new Problems();
        try (Connection connection = dataSource.getConnection()) {
            for (ViewDefinition view : catalog.views()) {
                String where = catalog.origin() + ": view '" + view.name() + "'";
                for (int i = 0; i < view.sources().size(); i++) {
                    SourceMapping source = view.sources().get(i);
                    String at = where + ": sources[" + i + "]";
                    Set<String> columns = columns(connection, source.table());
                    if (columns.isEmpty()) {
                        problems.add(at + ": table " + source.table() + " does not exist");
                        continue;
                    }
                    source.bind().forEach((param, column) -> problems.check(columns.contains(column),
                            at + ": bind." + param + ": table " + source.table() + " has no column '" + column
                                    + "' (columns: " + columns.stream().sorted().toList() + ")"));
                }
                checkSql(connection, where, view.sql(), problems);
            }
            for (var write : catalog.writes()) {
                checkSql(connection, catalog.origin() + ": write '" + write.name() + "'", write.sql(), problems);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot check views against the database: " + e.getMessage(), e);
        }
        problems.throwIfAny();
    }

    private static Set<String> columns(Connection connection, TableName table) throws SQLException {
        Set<String> columns = new HashSet<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?")) {
            query.setString(1, table.schema());
            query.setString(2, table.table());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    columns.add(rows.getString(1));
                }
            }
        }
        return columns;
    }

    private static void checkSql(Connection connection, String what, String text, Problems problems) {
        NamedSql sql = NamedSql.parse(text);
        try (PreparedStatement statement = connection.prepareStatement(sql.jdbcSql())) {
            statement.getParameterMetaData();
            statement.getMetaData();
        } catch (SQLException e) {
            // 42601 syntax_error: the text is not SQL at all, as opposed to SQL naming something that is not there
            problems.add(what + (SYNTAX_ERROR.equals(e.getSQLState()) ? ": sql does not parse on the database: "
                    : ": sql does not prepare on the database: ") + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(@Nullable String message) {
        if (message == null) {
            return "(the database gave no message)";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** Convenience for callers that want the problems rather than the exception. */
    public static java.util.List<String> problems(ViewCatalog catalog, DataSource dataSource) {
        try {
            check(catalog, dataSource);
            return java.util.List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }
}
