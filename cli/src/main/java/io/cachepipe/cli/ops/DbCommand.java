package io.cachepipe.cli.ops;

import io.cachepipe.api.ApiConfig;
import io.cachepipe.core.change.TableName;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.SourceMapping;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.store.postgres.ConnectionPool;
import io.cachepipe.store.postgres.DataSources;
import io.cachepipe.store.postgres.PlanCheck;
import io.cachepipe.warmer.WarmerConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cachepipe db}: the database side of the cache on one screen. Loads per view and cause with
 * their percentiles (from the processes' {@code /metrics}), each view's plan ({@link PlanCheck}), the
 * statistics of the tables the views read, the top statements of {@code pg_stat_statements}, and the
 * connections each process holds against {@code max_connections}.
 */
@Command(name = "db", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Database loads per view (count, p50/p95/p99, slow), each view's plan, table statistics, "
                + "top statements (pg_stat_statements) and connections per process.",
        footer = {"", "Exit codes: 0 done, 1 failed, 2 bad arguments or settings."})
public final class DbCommand extends OpsCommand {
    @Option(names = "--metrics-url", paramLabel = "<url>", description = "a /metrics endpoint to read loads from (repeatable; "
            + "default: the API's and the warmer's on 127.0.0.1)")
    List<String> metricsUrls = new ArrayList<>();

    @Option(names = "--top", paramLabel = "<n>", description = "statements to show from pg_stat_statements (default: ${DEFAULT-VALUE})")
    int top = 10;

    @Override
    int run() throws Exception {
        Settings settings = settings();
        var postgresSection = settings.section(PostgresConfig::read);
        var cacheSection = settings.section(CacheConfig::read);
        var kafkaSection = settings.section(KafkaConfig::read);
        KafkaConfig kafka = kafkaSection.orNull();
        var warmerSection = settings.section(s -> WarmerConfig.read(s, kafka == null ? "cachepipe" : kafka.topicPrefix()));
        var apiSection = settings.section(ApiConfig::read);
        settings.validate();
        PostgresConfig postgres = postgresSection.get().withPoolSize(1);
        if (metricsUrls.isEmpty()) {
            metricsUrls = List.of("http://127.0.0.1:" + apiSection.get().port() + "/metrics",
                    "http://127.0.0.1:" + warmerSection.get().adminPort() + "/metrics");
        }
        ViewCatalog catalog = ViewsFile.load(cacheSection.get().viewsFile());
        try (ConnectionPool pool = DataSources.pool(postgres, "db"); Connection connection = pool.getConnection()) {
            out().println("Database " + postgres.safeUrl() + ": " + scalar(connection, "SELECT version()").split(",")[0]);
            loadsSection();
            plansSection(catalog, connection, postgres.planCheckRows());
            tablesSection(connection, catalog);
            statementsSection(connection);
            connectionsSection(connection);
        }
        return DONE;
    }

    private void loadsSection() {
        out().println("Loads per view (from " + String.join(", ", metricsUrls) + ")");
        ScrapedMetrics scraped = HttpPages.scrape(metricsUrls);
        String series = MetricNames.DB_LOADS.replace('.', '_') + "_seconds";
        Map<String, TreeMap<Double, Double>> loads = scraped.histograms(series, "view", "cause");
        Map<String, Double> slow = scraped.sums(MetricNames.DB_SLOW_LOADS.replace('.', '_') + "_total", "view", "cause");
        if (loads.isEmpty()) {
            out().println("  unknown: no " + series + " histograms there (is the pipeline running? --metrics-url)");
            return;
        }
        out().printf("  %-24s %-8s %10s %9s %9s %9s %6s%n", "view", "cause", "loads", "p50 ms", "p95 ms", "p99 ms", "slow");
        loads.forEach((key, buckets) -> {
            String[] viewAndCause = key.split(" ", 2);
            out().printf(Locale.ROOT, "  %-24s %-8s %,10.0f %9.2f %9.2f %9.2f %,6.0f%n", viewAndCause[0], viewAndCause[1],
                    buckets.lastEntry().getValue(), ScrapedMetrics.quantile(buckets, 0.5) * 1000,
                    ScrapedMetrics.quantile(buckets, 0.95) * 1000, ScrapedMetrics.quantile(buckets, 0.99) * 1000,
                    slow.getOrDefault(key, 0.0));
        });
    }

    private void plansSection(ViewCatalog catalog, Connection connection, int largeTable) throws SQLException {
        out().printf(Locale.ROOT, "Plans (EXPLAIN of each view's SQL for any parameter values; a Seq Scan of a table of %,d rows or more"
                + " is flagged: postgres.plan-check-rows)%n", largeTable);
        List<PlanCheck.FullScan> fullScans = new ArrayList<>();
        for (PlanCheck.Plan plan : PlanCheck.explain(catalog, connection, Math.max(1, largeTable))) {
            out().printf("  %-24s %s%n", plan.view(), plan.summary());
            fullScans.addAll(largeTable == 0 ? List.of() : plan.fullScans());
        }
        fullScans.forEach(scan -> out().println("  WARNING: " + scan.message()));
    }

    private void tablesSection(Connection connection, ViewCatalog catalog) throws SQLException {
        out().println("Tables the views read (pg_stat_user_tables)");
        Set<String> tables = new TreeSet<>();
        for (ViewDefinition view : catalog.views()) {
            for (SourceMapping source : view.sources()) {
                tables.add(source.table().toString());
            }
        }
        out().printf("  %-28s %12s %10s %10s %14s %12s  %s%n", "table", "rows", "size", "seq scans", "rows seq read", "index scans",
                "last analyzed");
        try (PreparedStatement query = connection.prepareStatement("SELECT n_live_tup, pg_size_pretty(pg_total_relation_size(relid)),"
                + " seq_scan, seq_tup_read, coalesce(idx_scan, 0), greatest(last_analyze, last_autoanalyze)"
                + " FROM pg_stat_user_tables WHERE schemaname = ? AND relname = ?")) {
            for (String table : tables) {
                TableName name = TableName.parse(table);
                query.setString(1, name.schema());
                query.setString(2, name.table());
                try (ResultSet row = query.executeQuery()) {
                    if (!row.next()) {
                        out().printf("  %-28s (no statistics: not a table here?)%n", table);
                        continue;
                    }
                    out().printf(Locale.ROOT, "  %-28s %,12d %10s %,10d %,14d %,12d  %s%n", table, row.getLong(1), row.getString(2),
                            row.getLong(3), row.getLong(4), row.getLong(5), row.getObject(6) == null ? "never" : row.getString(6));
                }
            }
        }
    }

    private void statementsSection(Connection connection) {
        out().println("Top statements by total time (pg_stat_statements, this database)");
        try {
            if (scalar(connection, "SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'").equals("0")) {
                out().println("  not installed: add pg_stat_statements to shared_preload_libraries, restart, then"
                        + " CREATE EXTENSION pg_stat_statements in this database");
                return;
            }
            try (PreparedStatement query = connection.prepareStatement("SELECT calls, total_exec_time, mean_exec_time, rows,"
                    + " regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements"
                    + " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
                    + " ORDER BY total_exec_time DESC LIMIT ?")) {
                query.setInt(1, top);
                out().printf("  %10s %12s %9s %12s  %s%n", "calls", "total ms", "mean ms", "rows", "statement");
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        String text = rows.getString(5);
                        out().printf(Locale.ROOT, "  %,10d %,12.1f %9.3f %,12d  %s%n", rows.getLong(1), rows.getDouble(2), rows.getDouble(3),
                                rows.getLong(4), text.length() > 100 ? text.substring(0, 97) + "..." : text);
                    }
                }
            }
        } catch (SQLException e) {
            out().println("  unavailable: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    private void connectionsSection(Connection connection) throws SQLException {
        out().println("Connections (pg_stat_activity, by application; max_connections " + scalar(connection, "SHOW max_connections") + ")");
        try (PreparedStatement query = connection.prepareStatement("SELECT coalesce(nullif(application_name, ''), '(unnamed)'),"
                + " count(*) FILTER (WHERE state = 'active'), count(*) FILTER (WHERE state LIKE 'idle%'), count(*)"
                + " FROM pg_stat_activity WHERE backend_type = 'client backend' GROUP BY 1 ORDER BY 4 DESC, 1");
             ResultSet rows = query.executeQuery()) {
            out().printf("  %-32s %8s %8s %8s%n", "application", "active", "idle", "total");
            while (rows.next()) {
                out().printf("  %-32s %8d %8d %8d%n", rows.getString(1), rows.getLong(2), rows.getLong(3), rows.getLong(4));
            }
        }
    }

    private static String scalar(Connection connection, String sql) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql); ResultSet row = query.executeQuery()) {
            row.next();
            return String.valueOf(row.getString(1));
        }
    }
}
