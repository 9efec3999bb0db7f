package io.cachepipe.store.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * A watermark is on disk when {@link Watermarks#emit} returns, so a walsender sends it at once: left in
 * the WAL buffers it waited for the WAL writer (about 180 ms on a quiet server) before the pipeline could
 * even see it. Both statements run on the dev stack's PostgreSQL 17, the one for older servers too.
 */
@WithDevStack
class WatermarksIT {
    @Test
    void aWatermarkIsFlushed_whenEmitReturns(TestNamespace namespace) throws Exception {
        try (Connection connection = namespace.jdbc().connect()) {
            for (int i = 0; i < 20; i++) {
                Version watermark = Watermarks.emit(connection);

                assertThat(flushed(connection)).as("flushed WAL position after watermark %s", watermark).isGreaterThanOrEqualTo(watermark);
            }
        }
    }

    @Test
    void theStatementForServersBefore17_flushesItThroughItsCommit(TestNamespace namespace) throws Exception {
        try (Connection connection = namespace.jdbc().connect()) {
            for (int i = 0; i < 20; i++) {
                Version watermark = Watermarks.emit(connection, 16);

                assertThat(flushed(connection)).as("flushed WAL position after watermark %s", watermark).isGreaterThanOrEqualTo(watermark);
            }
        }
    }

    private static Version flushed(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_current_wal_flush_lsn()::text")) {
            rows.next();
            return Version.ofPgLsn(rows.getString(1));
        }
    }
}
