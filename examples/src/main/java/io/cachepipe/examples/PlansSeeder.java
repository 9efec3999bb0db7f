package io.cachepipe.examples;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.SplittableRandom;
import java.util.UUID;

/** Fills the plans example: a few plans, {@code users} users spread over regions, deterministically. */
public final class PlansSeeder {
    public static final String[] REGIONS = {"eu-west", "eu-north", "us-east", "us-west", "ap-south"};
    public static final String[] PLANS = {"basic", "plus", "max", "student", "family"};

    private PlansSeeder() {
    }

    /** The id of the n-th seeded user, so tests can address users without querying. */
    public static UUID userId(int n) {
        return new UUID(0x5eed_0000_0000_0000L, n);
    }

    public static void seed(Connection connection, int users, long randomSeed) throws SQLException {
        ExampleSchema.PLANS.create(connection);
        var random = new SplittableRandom(randomSeed);
        try (PreparedStatement plan = connection.prepareStatement(
                "INSERT INTO plans (code, name, monthly_fee, data_gb) VALUES (?, ?, ?, ?) ON CONFLICT (code) DO NOTHING")) {
            for (int i = 0; i < PLANS.length; i++) {
                plan.setString(1, PLANS[i]);
                plan.setString(2, Character.toUpperCase(PLANS[i].charAt(0)) + PLANS[i].substring(1));
                plan.setBigDecimal(3, java.math.BigDecimal.valueOf(999 + i * 1000L, 2));
                plan.setInt(4, 5 * (i + 1));
                plan.addBatch();
            }
            plan.executeBatch();
        }
        try (PreparedStatement user = connection.prepareStatement(
                "INSERT INTO users (id, email, display_name, region, plan_code) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
            for (int n = 1; n <= users; n++) {
                user.setObject(1, userId(n));
                user.setString(2, "user" + n + "@example.com");
                user.setString(3, "User " + n);
                user.setString(4, REGIONS[random.nextInt(REGIONS.length)]);
                user.setString(5, PLANS[random.nextInt(PLANS.length)]);
                user.addBatch();
            }
            user.executeBatch();
        }
    }
}
