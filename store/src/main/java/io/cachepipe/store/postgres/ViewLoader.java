package io.cachepipe.store.postgres;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.cachepipe.core.render.RowJson;
import io.cachepipe.core.view.NamedSql;
import io.cachepipe.core.view.ParamSpec;
import io.cachepipe.core.view.ViewDefinition;
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
 * Loads a view's value from PostgreSQL: runs its SQL with the parameters bound and renders the
 * result as the JSON the API serves. A row view without a row loads as an empty value, which the
 * cache keeps as "not found".
 */
public final class ViewLoader {
    private final DataSource dataSource;
    private final LoadTimer timer;
    private final JsonFactory json = new JsonFactory();
    private final Map<String, NamedSql> statements = new ConcurrentHashMap<>();

    /** A loader whose loads are not timed: for tools and tests. */
    public ViewLoader(DataSource dataSource) {
        this(dataSource, LoadTimer.NONE);
    }

    /** A loader for {@code cause}: through a {@link ConnectionPool}, every load is timed on its registry, and logged when slow. */
    public ViewLoader(DataSource dataSource, LoadTimer.Cause cause) {
        this(dataSource, LoadTimer.of(dataSource, cause));
    }

    private ViewLoader(DataSource dataSource, LoadTimer timer) {
        this.dataSource = dataSource;
        this.timer = timer;
    }

    public byte[] load(ViewDefinition view, Map<String, Object> params) throws SQLException {
        NamedSql sql = statements.computeIfAbsent(view.name(), name -> NamedSql.parse(view.sql()));
        return timer.time(view, 1, view.sql(), () -> run(view, sql, params));
    }

    private byte[] run(ViewDefinition view, NamedSql sql, Map<String, Object> params) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql.jdbcSql())) {
            for (int i = 0; i < sql.parameters().size(); i++) {
                String name = sql.parameters().get(i);
                ParamSpec spec = view.param(name);
                Object value = params.get(name);
                if (value == null) {
                    throw new IllegalArgumentException("view " + view.name() + " needs parameter " + name);
                }
                spec.type().bind(statement, i + 1, value);
            }
            try (ResultSet rows = statement.executeQuery()) {
                return render(view, rows);
            }
        }
    }

    private byte[] render(ViewDefinition view, ResultSet rows) throws SQLException {
        var bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator out = json.createGenerator(bytes)) {
            var columns = RowJson.Columns.of(rows.getMetaData());
            if (view.result() == ViewDefinition.ResultShape.ROW) {
                if (!rows.next()) {
                    return new byte[0];
                }
                RowJson.writeRow(out, rows, columns);
            } else {
                out.writeStartArray();
                while (rows.next()) {
                    RowJson.writeRow(out, rows, columns);
                }
                out.writeEndArray();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
