package io.cachepipe.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Writes a backlog of row changes the way a batch job does: 100-row transactions
 * ({@code UPDATE products SET stock = stock + 1, updated_at = now() WHERE id BETWEEN ? AND ?}),
 * walking over all products and on from where the last backlog stopped, so that every change is a
 * real update of a cached row. Single-row commits ({@link ChangeWriter}) manage about 3,000 per
 * second on a 2-core build machine, 100-row ones 65-95k rows per second (pgbench), so 50,000 changes take seconds:
 * short enough to keep cdc-capture frozen within PostgreSQL's {@code wal_sender_timeout}.
 */
final class BacklogWriter {
    static final int ROWS_PER_TRANSACTION = 100;

    private final DataSource database;
    private final int products;
    private long next = 1;

    /** @param products products seeded, ids 1..products */
    BacklogWriter(DataSource database, int products) {
        this.database = database;
        this.products = products;
    }

    /** Updates at least {@code changes} rows and answers how many it updated (each is one change record). */
    long write(long changes) throws SQLException {
        long written = 0;
        try (Connection connection = database.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE products SET stock = stock + 1, updated_at = now() WHERE id BETWEEN ? AND ?")) {
            connection.setAutoCommit(true);
            while (written < changes) {
                long last = Math.min(products, next + ROWS_PER_TRANSACTION - 1);
                update.setLong(1, next);
                update.setLong(2, last);
                written += update.executeUpdate();
                next = last >= products ? 1 : last + 1;
            }
        }
        return written;
    }
}
