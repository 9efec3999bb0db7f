package io.cachepipe.store.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.core.change.TableName;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.view.NamedSql;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks PostgreSQL how it would run each view's SQL, for any parameter values (the generic plan of a
 * prepared statement), and names the views whose plan reads every row of a large table: a view
 * whose {@code WHERE} has no index behind it reads fast on a demo and slowly on every miss in
 * production. Run at start-up after {@link ViewSchemaCheck}; the finding is a warning, not a refusal,
 * since a small table or a deliberate full read may be what the view wants.
 */
public final class PlanCheck {
    private static final Logger log = LoggerFactory.getLogger(PlanCheck.class);
    private static final String STATEMENT = "cachepipe_plan_check";
    /** As EXPLAIN VERBOSE prints a call of a function whose result moves with time or chance. */
    private static final Pattern CLOCK = Pattern.compile("\\b(?:now|clock_timestamp|statement_timestamp|transaction_timestamp|timeofday"
            + "|random|random_normal)\\(\\)|\\b(?:CURRENT_DATE|CURRENT_TIMESTAMP|CURRENT_TIME|LOCALTIMESTAMP|LOCALTIME)\\b");

    private PlanCheck() {
    }

    /**
     * One sequential scan of a large table in a view's plan.
     *
     * @param rows   the table's row count as the planner's statistics last saw it
     * @param filter the condition the scan applies row by row, when there is one
     */
    public record FullScan(String view, String table, long rows, @Nullable String filter) {
        public String message() {
            return String.format(Locale.ROOT, "View '%s' reads every row of %s (about %,d rows, Seq Scan%s) on each load: "
                    + "add an index on the columns its parameters bind, or raise postgres.plan-check-rows if this is meant",
                    view, table, rows, filter == null ? "" : " with Filter: " + filter);
        }
    }

    /** Each view's plan: {@code null} when PostgreSQL could not explain it (the reason is logged). */
    public record Plan(String view, @Nullable JsonNode plan, List<FullScan> fullScans) {
        /** Every table a node of the plan reads, in the order met: partitions, not their partitioned tables. */
        public Set<TableName> tables() {
            Set<TableName> tables = new LinkedHashSet<>();
            if (plan != null) {
                collectTables(plan, tables);
            }
            return tables;
        }

        private static void collectTables(JsonNode node, Set<TableName> tables) {
            String relation = node.path("Relation Name").asText("");
            if (!relation.isEmpty()) {
                tables.add(new TableName(node.path("Schema").asText("public"), relation));
            }
            for (JsonNode child : node.path("Plans")) {
                collectTables(child, tables);
            }
        }

        /** The clock's and chance's functions the plan's expressions call, such as {@code now()} or {@code CURRENT_DATE}. */
        public Set<String> clockReads() {
            Set<String> reads = new LinkedHashSet<>();
            if (plan != null) {
                collectClockReads(plan, reads);
            }
            return reads;
        }

        private static void collectClockReads(JsonNode node, Set<String> reads) {
            node.properties().forEach(field -> {
                if (field.getKey().equals("Plans")) {
                    field.getValue().forEach(child -> collectClockReads(child, reads));
                } else if (field.getValue().isTextual() || field.getValue().isArray()) {
                    for (JsonNode text : field.getValue().isArray() ? field.getValue() : List.of(field.getValue())) {
                        Matcher matcher = CLOCK.matcher(text.asText());
                        while (matcher.find()) {
                            reads.add(matcher.group());
                        }
                    }
                }
            });
        }

        /** How the plan reads each table, such as {@code Index Scan using products_pkey on products}. */
        public String summary() {
            if (plan == null) {
                return "(not explained)";
            }
            List<String> reads = new ArrayList<>();
            describe(plan, reads);
            return String.join(", ", reads);
        }
    }

    /** Logs a warning for each full scan of a table of at least {@code largeTable} rows (0: no check). */
    public static List<FullScan> warn(ViewCatalog catalog, DataSource dataSource, long largeTable) {
        if (largeTable <= 0) {
            return List.of();
        }
        return warnOf(explain(catalog, dataSource, largeTable));
    }

    /** Logs a warning for each full scan the plans found; answers them. */
    public static List<FullScan> warnOf(List<Plan> plans) {
        List<FullScan> scans = new ArrayList<>();
        plans.forEach(plan -> scans.addAll(plan.fullScans()));
        scans.forEach(scan -> log.warn(scan.message()));
        return scans;
    }

    /** Every view's generic plan, with the full scans of tables of at least {@code largeTable} rows; none when it cannot ask. */
    public static List<Plan> explain(ViewCatalog catalog, DataSource dataSource, long largeTable) {
        try (Connection connection = dataSource.getConnection()) {
            return explain(catalog, connection, largeTable);
        } catch (SQLException e) {
            log.warn("Could not check the views' plans: {}", e.getMessage());
            return List.of();
        }
    }

    /** The same on a connection the caller holds. */
    public static List<Plan> explain(ViewCatalog catalog, Connection connection, long largeTable) throws SQLException {
        List<Plan> plans = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET plan_cache_mode = force_generic_plan");
            try {
                for (ViewDefinition view : catalog.views()) {
                    plans.add(explain(connection, statement, view, largeTable));
                }
            } finally {
                statement.execute("RESET plan_cache_mode");
            }
        }
        return plans;
    }

    private static Plan explain(Connection connection, Statement statement, ViewDefinition view, long largeTable) throws SQLException {
        int parameters = NamedSql.parse(view.sql()).names().size();
        try {
            statement.execute("PREPARE " + STATEMENT + " AS " + NamedSql.numbered(view.sql()));
        } catch (SQLException e) {
            log.warn("Could not explain view '{}': {}", view.name(), e.getMessage());
            return new Plan(view.name(), null, List.of());
        }
        try (ResultSet rows = statement.executeQuery("EXPLAIN (VERBOSE, FORMAT JSON) EXECUTE " + STATEMENT
                + (parameters == 0 ? "" : "(" + String.join(", ", Collections.nCopies(parameters, "NULL")) + ")"))) {
            rows.next();
            JsonNode plan = Json.mapper().readTree(rows.getString(1)).path(0).path("Plan");
            List<FullScan> scans = new ArrayList<>();
            collectFullScans(connection, view.name(), plan, largeTable, scans);
            return new Plan(view.name(), plan, scans);
        } catch (SQLException | IOException e) {
            log.warn("Could not explain view '{}': {}", view.name(), e.getMessage());
            return new Plan(view.name(), null, List.of());
        } finally {
            statement.execute("DEALLOCATE " + STATEMENT);
        }
    }

    private static void collectFullScans(Connection connection, String view, JsonNode node, long largeTable, List<FullScan> scans)
            throws SQLException {
        if ("Seq Scan".equals(node.path("Node Type").asText())) {
            String schema = node.path("Schema").asText("public");
            String table = node.path("Relation Name").asText();
            long rows = estimatedRows(connection, schema, table);
            if (rows >= largeTable) {
                scans.add(new FullScan(view, schema + "." + table, rows, node.hasNonNull("Filter") ? node.get("Filter").asText() : null));
            }
        }
        for (JsonNode child : node.path("Plans")) {
            collectFullScans(connection, view, child, largeTable, scans);
        }
    }

    /** The planner's row count of the table ({@code pg_class.reltuples}; 0 before it was first analyzed). */
    private static long estimatedRows(Connection connection, String schema, String table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT greatest(c.reltuples, 0)::bigint FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            query.setString(1, schema);
            query.setString(2, table);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        }
    }

    /** Adds one entry for each node that reads a table: {@code Seq Scan on categories}. */
    private static void describe(JsonNode node, List<String> reads) {
        String type = node.path("Node Type").asText();
        String relation = node.path("Relation Name").asText("");
        if (!relation.isEmpty()) {
            String index = node.path("Index Name").asText("");
            reads.add(type + (index.isEmpty() ? "" : " using " + index) + " on " + relation);
        }
        for (JsonNode child : node.path("Plans")) {
            describe(child, reads);
        }
    }
}
