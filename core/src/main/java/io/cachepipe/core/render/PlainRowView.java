package io.cachepipe.core.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.TableName;
import io.cachepipe.core.render.ColumnDescriptions.Column;
import io.cachepipe.core.render.ColumnDescriptions.Described;
import io.cachepipe.core.view.ViewDefinition;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A view whose value is nothing but one table row picked by its primary key
 * ({@code SELECT a, b AS c FROM t WHERE id = :id}, {@code result: row}): the change topic's latest
 * after image already is its value, so a rebuild renders it without asking PostgreSQL, and the
 * invalidator writes a changed row's new value in place of deleting it.
 *
 * <p>The rendering must be byte for byte what {@link io.cachepipe.store.postgres.ViewLoader} renders from a
 * query ({@link RowJson}; the API's ETag and the audit compare bytes), so only column types whose
 * Debezium form maps exactly are accepted ({@link ColumnDescriptions}, from one prepared-statement
 * describe per view: no query runs). A view with any other column type, or any other SQL shape
 * ({@link PlainRowSql}), is loaded from the database in batches instead.
 *
 * <p>Within an accepted type, a value whose Debezium form cannot be mapped exactly is
 * {@link Image.Refused refused}, never rendered differently: the key is then loaded from the database
 * ({@link RowImageRenderer} lists the awkward forms).
 */
public final class PlainRowView {
    /** What a change's after image makes of one key of the view. */
    public sealed interface Image {
        /** The key's new value, byte for byte what a load from the database renders. */
        record Rendered(byte[] value) implements Image {
        }

        /**
         * The change carries no new value for the key: a delete, the old key of a moved row, a record
         * keyed otherwise. The key is invalidated, as for any view.
         */
        record Absent() implements Image {
        }

        /**
         * The change carries the row, but a value in it this class cannot render exactly (an unchanged
         * TOAST value Debezium did not send, a form it does not know): the key is loaded from the database
         * instead, and the caller counts the fallback.
         */
        record Refused(String column, String reason) implements Image {
        }

        Absent ABSENT = new Absent();
    }

    private final ViewDefinition view;
    private final TableName table;
    private final String keyColumn;
    private final String param;
    private final List<Column> columns;

    private PlainRowView(ViewDefinition view, TableName table, String keyColumn, String param, List<Column> columns) {
        this.view = view;
        this.table = table;
        this.keyColumn = keyColumn;
        this.param = param;
        this.columns = List.copyOf(columns);
    }

    /** The shape check alone, without the database: the select list, table, key column and parameter, or empty. */
    public record Shape(TableName table, String keyColumn, String param, List<String[]> items) {
    }

    public static Optional<Shape> shape(ViewDefinition view) {
        return PlainRowSql.shape(view);
    }

    /**
     * The view as a plain row view, or empty when its shape or a column type does not allow rendering
     * from row images. {@code describe} prepares the view's SQL once to learn the column types.
     */
    public static Optional<PlainRowView> detect(ViewDefinition view, Connection connection) throws SQLException {
        if (shape(view).isEmpty()) {
            return Optional.empty();
        }
        Optional<List<Described>> described = ColumnDescriptions.describe(view, connection);
        return described.isEmpty() ? Optional.empty() : of(view, described.get());
    }

    /** The view with its result columns as described, or empty when they do not make it a plain row view. */
    static Optional<PlainRowView> of(ViewDefinition view, List<Described> described) {
        Optional<Shape> found = shape(view);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Shape shape = found.get();
        return ColumnDescriptions.columns(shape, described)
                .map(columns -> new PlainRowView(view, shape.table(), shape.keyColumn(), shape.param(), columns));
    }

    public ViewDefinition view() {
        return view;
    }

    public TableName table() {
        return table;
    }

    /**
     * The key with {@code keyParams} right after {@code event}, from its after image: rendered, absent
     * (a delete, the old key of a moved row, a record keyed otherwise: invalidate the key), or refused
     * (load it from the database). This is how the invalidator updates a cached row without a database
     * read. Never throws on a value: whatever cannot be rendered exactly is refused.
     */
    public Image image(ChangeEvent event, Map<String, Object> keyParams) {
        ObjectNode after = event.after();
        if (after == null || !keyedByKeyColumn(event)) {
            return Image.ABSENT;
        }
        try {
            if (!keyParams.equals(params(event))) {
                return Image.ABSENT;
            }
        } catch (IllegalArgumentException e) {
            return new Image.Refused(keyColumn, "the key does not fit parameter " + param + ": " + e.getMessage());
        }
        return render(after);
    }

    /** The rendered value of {@link #image}, or null when the key must be invalidated or loaded instead. */
    public byte @Nullable [] newValue(ChangeEvent event, Map<String, Object> keyParams) {
        return image(event, keyParams) instanceof Image.Rendered rendered ? rendered.value() : null;
    }

    /** The view parameters of the row a change is about: from the record key, else the images. */
    public @Nullable Map<String, Object> params(ChangeEvent event) {
        JsonNode id = event.key() != null ? event.key().get(keyColumn) : null;
        if (id == null && event.after() != null) id = event.after().get(keyColumn);
        if (id == null && event.before() != null) id = event.before().get(keyColumn);
        if (id == null || id.isNull()) {
            return null;
        }
        return Map.of(param, view.param(param).type().fromJson(id));
    }

    /** True if the record key is exactly the key column: the row is identified by it, as the SQL assumes. */
    public boolean keyedByKeyColumn(ChangeEvent event) {
        ObjectNode key = event.key();
        return key != null && key.size() == 1 && key.has(keyColumn);
    }

    /**
     * The value as {@link io.cachepipe.store.postgres.ViewLoader} would render it, or refused when the image
     * lacks a column, holds Debezium's placeholder for an unchanged TOAST value, or a value whose form
     * does not map exactly (then the row is loaded from the database).
     */
    public Image render(ObjectNode after) {
        return RowImageRenderer.render(columns, after);
    }
}
