package io.cachepipe.demo;

import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.examples.CatalogSeeder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cachepipe seed}: creates the demo catalog in the configured database and fills it once. */
@Command(name = "seed", mixinStandardHelpOptions = true,
        description = "Create the demo catalog schema in the database of CACHEPIPE_POSTGRES_URL and seed it (once).")
final class SeedCommand implements Callable<Integer> {
    @Option(names = "--products", description = "products to seed (default: ${DEFAULT-VALUE})")
    int products = CatalogSeeder.DEFAULT_PRODUCTS;

    @Option(names = "--categories", description = "categories to seed (default: ${DEFAULT-VALUE})")
    int categories = CatalogSeeder.DEFAULT_CATEGORIES;

    @Override
    public Integer call() throws Exception {
        Settings settings = Settings.fromProcess(Map.of());
        var postgresSection = settings.section(PostgresConfig::read);
        settings.validate();
        PostgresConfig postgres = postgresSection.get();
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password())) {
            long started = System.nanoTime();
            CatalogSeeder.Summary summary = CatalogSeeder.seed(connection, products, categories, 42);
            System.out.printf(summary.alreadySeeded()
                            ? "Already seeded: %d products, %d reviews in %d categories%n"
                            : "Seeded %d products, %d reviews in %d categories in %.1f s%n",
                    summary.products(), summary.reviews(), summary.categories(), (System.nanoTime() - started) / 1e9);
        }
        return 0;
    }
}
