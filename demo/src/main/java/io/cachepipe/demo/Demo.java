package io.cachepipe.demo;

import io.cachepipe.cli.pipeline.Pipeline;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.config.SettingsFile;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.examples.CatalogSeeder;
import io.cachepipe.examples.ExampleSchema;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo on servers that run: the catalog seeded, the whole pipeline started in this JVM, and its
 * settings written to {@code <data dir>/cachepipe.settings} ({@link SettingsFile}), where operator
 * commands started in another terminal find them. {@code cachepipe demo} runs it on a dev stack it
 * starts; tests run it on theirs.
 */
final class Demo implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Demo.class);

    /** What the demo runs on: the shipped example catalog, or the user's own schema and views. */
    sealed interface Data permits ExampleCatalog, OwnSchema {
    }

    /** The example catalog (examples/catalog), seeded with this many rows on first start. */
    record ExampleCatalog(int products, int categories) implements Data {
    }

    /** The user's schema script, run into the demo database on every start, and the views file read from it. */
    record OwnSchema(Path schema, Path views) implements Data {
        OwnSchema {
            schema = schema.toAbsolutePath();
            views = views.toAbsolutePath();
        }
    }

    /**
     * @param overrides settings that win over the ones the demo derives from the stack (tests give each demo its own namespace)
     */
    record Options(Path dataDir, Data data, int apiPort, Map<String, String> overrides) {
        Options {
            overrides = Map.copyOf(overrides);
        }

        Options(Path dataDir, int products, int categories, int apiPort, Map<String, String> overrides) {
            this(dataDir, new ExampleCatalog(products, categories), apiPort, overrides);
        }
    }

    private final Pipeline pipeline;
    private final Path settingsFile;
    private final long pipelineStartedNanos;

    private Demo(Pipeline pipeline, Path settingsFile, long pipelineStartedNanos) {
        this.pipeline = pipeline;
        this.settingsFile = settingsFile;
        this.pipelineStartedNanos = pipelineStartedNanos;
    }

    /** Seeds the catalog (once), starts the pipeline and writes its settings; prints what it did to {@code out}. */
    static Demo start(DevStack stack, Options options, PrintStream out) throws SQLException, IOException {
        Map<String, String> settings = settings(stack, options);
        seed(settings, options, out);
        long pipelineStarted = System.nanoTime();
        Pipeline pipeline = Pipeline.start(Pipeline.Config.read(Settings.of(settings)));
        try {
            // The port the API really listens on: a test asks for any free one (0).
            settings.put("api.port", Integer.toString(pipeline.apiPort()));
            Path file = SettingsFile.write(options.dataDir(), settings, "cachepipe demo");
            out.println("Operator commands find this demo's settings in " + file + " (readable by you only: it holds the "
                    + "database password). Point a terminal elsewhere at them with:");
            out.println("  " + exportLine(file));
            return new Demo(pipeline, file, pipelineStarted);
        } catch (IOException | RuntimeException e) {
            pipeline.close();
            throw e;
        }
    }

    /** The one line that points a terminal's operator commands at a demo's settings file. */
    static String exportLine(Path settingsFile) {
        return "export " + Settings.CONFIG_FILE_ENV + "=" + settingsFile.toAbsolutePath();
    }

    Pipeline pipeline() {
        return pipeline;
    }

    /** When the pipeline began to start ({@link System#nanoTime}): cdc-capture first, whose snapshot follows Debezium's own start. */
    long pipelineStartedNanos() {
        return pipelineStartedNanos;
    }

    /** The file operator commands read; {@code export CACHEPIPE_CONFIG=<it>} points a terminal anywhere at this demo. */
    Path settingsFile() {
        return settingsFile;
    }

    /** Stops the pipeline and removes its settings file, which would point operator commands at servers gone. */
    @Override
    public void close() {
        pipeline.close();
        try {
            Files.deleteIfExists(settingsFile);
        } catch (IOException e) {
            log.warn("Could not remove {}: {}", settingsFile, e.getMessage());
        }
    }

    private static Map<String, String> settings(DevStack stack, Options options) {
        var postgres = stack.postgres();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("postgres.url", postgres.jdbcUrl());
        values.put("postgres.user", postgres.user());
        values.put("postgres.password", postgres.password());
        values.put("kafka.bootstrap", stack.kafka().bootstrapServers());
        values.put("redis.url", stack.redis().uri());
        values.put("views.file", switch (options.data()) {
            case ExampleCatalog example -> ExampleSchema.CATALOG.viewsLocation();
            case OwnSchema own -> own.views().toAbsolutePath().toString(); // the settings file sits elsewhere
        });
        values.put("api.host", "127.0.0.1");
        values.put("api.port", Integer.toString(options.apiPort()));
        values.put("invalidator.state-dir", options.dataDir().resolve("streams").toAbsolutePath().toString());
        values.putAll(options.overrides());
        return values;
    }

    /** pg_stat_statements for {@code cachepipe db}'s top statements, where the server has it. */
    private static void statementStatistics(Connection connection, PrintStream out) {
        try (var statement = connection.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        } catch (SQLException e) {
            out.println("pg_stat_statements is not available (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
                    + "): cachepipe db will show no top statements");
        }
    }

    /** Into the database the pipeline reads. */
    private static void seed(Map<String, String> settings, Options options, PrintStream out) throws SQLException, IOException {
        Settings read = Settings.of(settings);
        var postgresSection = read.section(PostgresConfig::read);
        read.validate();
        PostgresConfig postgres = postgresSection.get();
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password())) {
            statementStatistics(connection, out);
            switch (options.data()) {
                case ExampleCatalog example -> seedCatalog(connection, example, out);
                case OwnSchema own -> runSchema(connection, own, out);
            }
        }
    }

    private static void seedCatalog(Connection connection, ExampleCatalog example, PrintStream out) throws SQLException {
        ExampleSchema.CATALOG.create(connection);
        CatalogSeeder.Summary summary = CatalogSeeder.seed(connection, example.products(), example.categories(), 42);
        out.println(summary.alreadySeeded()
                ? "Catalog already seeded: " + summary.products() + " products in " + summary.categories() + " categories"
                : "Seeded " + summary.products() + " products, " + summary.reviews() + " reviews in " + summary.categories() + " categories");
    }

    /** The user's script as one batch, in one transaction: it creates and fills the tables, or changes nothing. */
    private static void runSchema(Connection connection, OwnSchema own, PrintStream out) throws SQLException, IOException {
        String script = Files.readString(own.schema());
        connection.setAutoCommit(false);
        try (var statement = connection.createStatement()) {
            statement.execute(script);
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw new SQLException("running " + own.schema() + " into the demo database failed: " + e.getMessage()
                    + " (it runs on every start: write CREATE TABLE IF NOT EXISTS and INSERT ... ON CONFLICT DO NOTHING, or start with "
                    + "--fresh)", e.getSQLState(), e);
        } finally {
            connection.setAutoCommit(true);
        }
        out.println("Ran " + own.schema() + " into the demo database; views from " + own.views());
    }
}
