package io.cachepipe.examples;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SplittableRandom;
import org.postgresql.PGConnection;

/**
 * Fills the demo catalog with deterministic data: {@code categories} categories, {@code products}
 * products spread evenly over them, and about two reviews per product. Uses COPY, so a million
 * products take seconds, not minutes.
 */
public final class CatalogSeeder {
    public static final int DEFAULT_PRODUCTS = 10_000;
    public static final int DEFAULT_CATEGORIES = 100;
    private static final int BATCH = 50_000;
    private static final String[] ADJECTIVES = {"Compact", "Classic", "Rugged", "Smart", "Quiet", "Bright", "Eco", "Pro"};
    private static final String[] NOUNS = {"Kettle", "Lamp", "Backpack", "Headphones", "Desk", "Bottle", "Jacket", "Router"};

    /** What was seeded; {@code alreadySeeded} when products existed and nothing was written. */
    public record Summary(int categories, long products, long reviews, boolean alreadySeeded) {
    }

    private CatalogSeeder() {
    }

    /** Seeds once: if the products table already has rows, reports them and writes nothing. */
    public static Summary seed(Connection connection, int products, int categories, long randomSeed) throws SQLException {
        if (products < 0 || categories < 1) {
            throw new IllegalArgumentException("need products >= 0 and categories >= 1, got " + products + " and " + categories);
        }
        ExampleSchema.CATALOG.create(connection);
        long existing = count(connection, "products");
        if (existing > 0) {
            return new Summary((int) count(connection, "categories"), existing, count(connection, "reviews"), true);
        }
        var random = new SplittableRandom(randomSeed);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            copy(connection, "COPY categories (id, name) FROM STDIN", categoriesCsv(categories));
            long reviews = 0;
            for (int from = 1; from <= products; from += BATCH) {
                int to = Math.min(products, from + BATCH - 1);
                copy(connection, "COPY products (id, sku, name, price, stock, category_id) FROM STDIN", productsCsv(from, to, categories, random));
                var reviewRows = reviewsCsv(from, to, random);
                reviews += reviewRows.count;
                copy(connection, "COPY reviews (product_id, rating, body) FROM STDIN", reviewRows.text);
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT setval('products_id_seq', " + Math.max(1, products) + ")");
            }
            connection.commit();
            try (Statement statement = connection.createStatement()) {
                connection.setAutoCommit(true);
                statement.execute("ANALYZE categories, products, reviews");
            }
            return new Summary(categories, products, reviews, false);
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static String categoriesCsv(int categories) {
        var text = new StringBuilder();
        for (int id = 1; id <= categories; id++) {
            text.append(id).append('\t').append("Category ").append(id).append('\n');
        }
        return text.toString();
    }

    private static String productsCsv(int from, int to, int categories, SplittableRandom random) {
        var text = new StringBuilder((to - from + 1) * 64);
        for (int id = from; id <= to; id++) {
            BigDecimal price = BigDecimal.valueOf(random.nextInt(100, 100_000), 2).setScale(2, RoundingMode.UNNECESSARY);
            text.append(id).append('\t')
                    .append("SKU-").append(String.format("%08d", id)).append('\t')
                    .append(ADJECTIVES[random.nextInt(ADJECTIVES.length)]).append(' ')
                    .append(NOUNS[random.nextInt(NOUNS.length)]).append(' ').append(id).append('\t')
                    .append(price.toPlainString()).append('\t')
                    .append(random.nextInt(0, 500)).append('\t')
                    .append((id - 1) % categories + 1).append('\n');
        }
        return text.toString();
    }

    private record Rows(String text, long count) {
    }

    private static Rows reviewsCsv(int from, int to, SplittableRandom random) {
        var text = new StringBuilder();
        long count = 0;
        for (int product = from; product <= to; product++) {
            int reviews = random.nextInt(0, 5);
            for (int i = 0; i < reviews; i++) {
                text.append(product).append('\t').append(random.nextInt(1, 6)).append('\t')
                        .append("Review ").append(i + 1).append(" of product ").append(product).append('\n');
                count++;
            }
        }
        return new Rows(text.toString(), count);
    }

    private static void copy(Connection connection, String sql, String rows) throws SQLException {
        try {
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new StringReader(rows));
        } catch (IOException e) {
            throw new SQLException("COPY failed: " + sql, e);
        }
    }

    private static long count(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
