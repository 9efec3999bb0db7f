package io.cachepipe.core.db;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
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

    /** What a write did: the first returned row as JSON (empty when none), and rows affected. */
    public record Result(byte[] firstRow, int rows) {
    }

    public Result run(WriteDefinition write, Map<String, Object> params) throws SQLException {
        NamedSql sql = statements.computeIfAbsent(write.name(), name -> NamedSql.parse(write.sql()));
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql.jdbcSql())) {
            for (int i = 0; i < sql.parameters().size(); i++) {
                ParamSpec spec = write.params().get(sql.parameters().get(i));
                Object value = params.get(spec.name());
                if (value == null) {
                    spec.type().bindNull(statement, i + 1);
                } else {
                    spec.type().bind(statement, i + 1, value);
                }
            }
            if (!statement.execute()) {
                return new Result(new byte[0], statement.getUpdateCount());
            }
            try (ResultSet rows = statement.getResultSet()) {
                var bytes = new ByteArrayOutputStream(256);
                int count = 0;
                try (JsonGenerator out = json.createGenerator(bytes)) {
                    while (rows.next()) {
                        if (count++ == 0) {
                            RowJson.writeRow(out, rows, rows.getMetaData());
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return new Result(count == 0 ? new byte[0] : bytes.toByteArray(), count);
            }
        }
    }
}
