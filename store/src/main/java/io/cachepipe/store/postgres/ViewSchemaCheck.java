package io.cachepipe.store.postgres;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.config.ConfigException;
import io.cachepipe.core.config.Parsers;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a view catalog against the database at start-up: every source table exists, every bound
 * column exists and compares values as a key spells them ({@link BoundColumn#keyProblem}), every
 * view's SQL parses and plans (PostgreSQL prepares it without running it), and
 * every table its plan reads is one of its sources: a change to a table the sources leave out would
 * leave the view's values stale until their TTL, with nothing to say so. It warns of a view whose
 * SQL reads the clock (its value moves with no change at all). Reports every problem at
 * once, each naming the views file, the view and the field, like the problems {@link
 * io.cachepipe.core.view.ViewsFile} finds without a database.
 */
public final class ViewSchemaCheck {
    private static final Logger log = LoggerFactory.getLogger(ViewSchemaCheck.class);
    private static final String SYNTAX_ERROR = "42601";
    private static final Set<String> SYSTEM_SCHEMAS = Set.of("pg_catalog", "information_schema");

    private ViewSchemaCheck() {
    }

    public static void check(ViewCatalog catalog, DataSource dataSource) {
        check(catalog, dataSource, 0);
    }

    /**
     * The check, and a warning for each view that reads every row of a table of at least {@code largeTable}
     * rows ({@link PlanCheck}; 0: none), from the same plans: PostgreSQL explains each view once.
     */
    public static void check(ViewCatalog catalog, DataSource dataSource, long largeTable) {
        var problems = new Problems();
        try (Connection connection = dataSource.getConnection()) {
            for (ViewDefinition view : catalog.views()) {
                String where = catalog.origin() + ": view '" + view.name() + "'";
                for (int i = 0; i < view.sources().size(); i++) {
                    SourceMapping source = view.sources().get(i);
                    String at = where + ": sources[" + i + "]";
                    String unfit = notInTheChangeLog(connection, source.table());
                    if (unfit != null) {
                        problems.add(at + ": " + source.table() + " " + unfit);
                        continue;
                    }
                    Map<String, BoundColumn> columns = BoundColumn.of(connection, source.table());
                    if (columns.isEmpty()) {
                        problems.add(at + ": table " + source.table() + " does not exist");
                        continue;
                    }
                    source.bind().forEach((param, name) -> {
                        BoundColumn column = columns.get(name);
                        if (column == null) {
                            problems.add(at + ": bind." + param + ": table " + source.table() + " has no column '" + name
                                    + "' (columns: " + columns.keySet().stream().sorted().toList() + ")");
                            return;
                        }
                        String unkeyable = column.keyProblem(view.param(param).type());
                        if (unkeyable != null) {
                            problems.add(at + ": bind." + param + ": " + source.table() + "." + name + " " + unkeyable);
                        }
                    });
                }
                checkSql(connection, where, view.sql(), problems);
            }
            for (var write : catalog.writes()) {
                checkSql(connection, catalog.origin() + ": write '" + write.name() + "'", write.sql(), problems);
            }
            if (problems.isEmpty()) {
                List<PlanCheck.Plan> plans = PlanCheck.explain(catalog, connection, largeTable > 0 ? largeTable : Long.MAX_VALUE);
                checkReads(catalog, plans, connection, problems);
                if (problems.isEmpty()) {
                    PlanCheck.warnOf(plans);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot check views against the database: " + e.getMessage(), e);
        }
        problems.throwIfAny();
    }

    /** Each table a view's plan reads (a partition as its partitioned table) must be one of the view's sources. */
    private static void checkReads(ViewCatalog catalog, List<PlanCheck.Plan> plans, Connection connection, Problems problems)
            throws SQLException {
        for (PlanCheck.Plan plan : plans) {
            ViewDefinition view = catalog.view(plan.view()).orElseThrow();
            Set<String> clock = plan.clockReads();
            if (!clock.isEmpty()) {
                log.warn("View '{}' reads the clock or chance ({}): its value moves as time passes, which is no change, so a cached value"
                        + " is served as of its load for up to its ttl ({}); lower the ttl, or make the time a parameter", view.name(),
                        String.join(", ", clock), Parsers.format(view.ttl()));
            }
            Set<TableName> sources = new HashSet<>();
            view.sources().forEach(source -> sources.add(source.table()));
            Set<TableName> unsourced = new LinkedHashSet<>();
            for (TableName table : plan.tables()) {
                TableName root = Partitions.root(connection, table);
                TableName read = root == null ? table : root;
                if (!sources.contains(read) && !SYSTEM_SCHEMAS.contains(read.schema())) {
                    unsourced.add(read);
                }
            }
            for (TableName table : unsourced) {
                String unfit = notInTheChangeLog(connection, table);
                problems.add(catalog.origin() + ": view '" + view.name() + "': sql reads " + table + (unfit != null ? ", which " + unfit
                        : ", which none of its sources names, so a change there would leave its values stale: add {table: " + table
                        + ", bind: {...}} to its sources, binding the parameters a changed row determines (with none bound, a change"
                        + " there invalidates every key of the view)"));
            }
        }
    }

    /**
     * Why no change of the relation reaches the change log cachepipe reads, or null when its changes do:
     * PostgreSQL publishes the rows of logged tables (and partitioned ones) only.
     */
    private static @Nullable String notInTheChangeLog(Connection connection, TableName table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT c.relkind::text, c.relpersistence::text FROM pg_class c"
                + " WHERE c.oid = to_regclass(format('%I.%I', ?::text, ?::text))")) {
            query.setString(1, table.schema());
            query.setString(2, table.table());
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                String kind = rows.getString(1);
                if (kind.equals("m")) {
                    return "is a materialized view: REFRESH rewrites it outside the change log, so no change of it would reach the cache;"
                            + " read the tables it is built from instead";
                }
                if (kind.equals("v")) {
                    return "is a view: name the tables it reads as the sources";
                }
                if (kind.equals("f")) {
                    return "is a foreign table: its changes are in another database's change log, not this one's";
                }
                if (rows.getString(2).equals("u")) {
                    return "is UNLOGGED: its changes are not in the write-ahead log, which cachepipe reads; ALTER TABLE " + table
                            + " SET LOGGED";
                }
                return null;
            }
        }
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
