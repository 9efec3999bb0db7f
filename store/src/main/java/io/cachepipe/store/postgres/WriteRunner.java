package io.cachepipe.store.postgres;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.render.RowJson;
import io.cachepipe.core.view.NamedSql;
import io.cachepipe.core.view.ParamSpec;
import io.cachepipe.core.view.WriteDefinition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Runs a declared write as one statement in its own transaction. Touches PostgreSQL only: the
 * change log carries the write to the cache like any other writer's.
 */
public final class WriteRunner {
    private final DataSource dataSource;
    private final JsonFactory json = new JsonFactory();
    private final Map<String, NamedSql> statements = new ConcurrentHashMap<>();

    public WriteRunner(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * What a write did: the first returned row as JSON (empty when none), rows affected, and a WAL
     * position at or after its commit: once the pipeline has applied this position, the cache
     * reflects the write (read-your-writes).
     */
    public record Result(byte[] firstRow, int rows, Version committedBy) {
    }

    public Result run(WriteDefinition write, Map<String, Object> params) throws SQLException {
        NamedSql sql = statements.computeIfAbsent(write.name(), name -> NamedSql.parse(write.sql()));
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql.jdbcSql())) {
            for (int i = 0; i < sql.parameters().size(); i++) {
                ParamSpec spec = write.param(sql.parameters().get(i));
                Object value = params.get(spec.name());
                if (value == null) {
                    spec.type().bindNull(statement, i + 1);
                } else {
                    spec.type().bind(statement, i + 1, value);
                }
            }
            if (!statement.execute()) {
                return new Result(new byte[0], statement.getUpdateCount(), walPosition(connection));
            }
            try (ResultSet rows = statement.getResultSet()) {
                var bytes = new ByteArrayOutputStream(256);
                int count = 0;
                try (JsonGenerator out = json.createGenerator(bytes)) {
                    while (rows.next()) {
                        if (count++ == 0) {
                            RowJson.writeRow(out, rows, RowJson.Columns.of(rows.getMetaData()));
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return new Result(count == 0 ? new byte[0] : bytes.toByteArray(), count, walPosition(connection));
            }
        }
    }

    /** The WAL position now, on the connection that just committed (auto-commit): at or after the commit. */
    private static Version walPosition(Connection connection) throws SQLException {
        try (var statement = connection.createStatement();
             ResultSet position = statement.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            position.next();
            return Version.ofPgLsn(position.getString(1));
        }
    }
}
