package io.cachepipe.core.render;

import io.cachepipe.core.change.SqlIdentifier;
import io.cachepipe.core.change.TableName;
import io.cachepipe.core.view.ViewDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises the SQL of a {@link PlainRowView}: {@code SELECT a, b AS c FROM t WHERE id = :id} with
 * {@code result: row}, one parameter, and a source of {@code t} that binds that parameter to that
 * column. Column names only, plain or quoted: an expression, a join or any other filter is not a plain row.
 * Reads the text alone, no database.
 */
final class PlainRowSql {
    /** An identifier as SQL writes it: plain, or in double quotes ({@code "Order Lines"}, {@code ""} for a quote). */
    private static final String NAME = "(?:[a-z_][a-z0-9_$]*|\"(?:[^\"]|\"\")+\")";
    private static final Pattern SHAPE = Pattern.compile("(?is)^\\s*select\\s+(.+?)\\s+from\\s+(" + NAME + "(?:\\." + NAME
            + ")?)\\s+where\\s+(" + NAME + ")\\s*=\\s*:([a-z_][a-z0-9_]*)\\s*;?\\s*$");
    private static final Pattern ITEM = Pattern.compile("(?is)^(" + NAME + ")(?:\\s+as\\s+(" + NAME + "))?$");

    private PlainRowSql() {
    }

    /** The select list, table, key column and parameter of the view's SQL, or empty when it is not that shape. */
    static Optional<PlainRowView.Shape> shape(ViewDefinition view) {
        if (view.result() != ViewDefinition.ResultShape.ROW || view.params().size() != 1) {
            return Optional.empty();
        }
        Matcher matcher = SHAPE.matcher(view.sql());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        TableName table = TableName.parse(matcher.group(2));
        String keyColumn = SqlIdentifier.parse(matcher.group(3));
        String param = matcher.group(4);
        if (!view.params().containsKey(param)) {
            return Optional.empty();
        }
        boolean sourced = view.sources().stream().anyMatch(source -> source.table().equals(table)
                && source.bind().equals(Map.of(param, keyColumn)));
        if (!sourced) {
            return Optional.empty();
        }
        List<String[]> items = new ArrayList<>();
        for (String item : matcher.group(1).split(",")) {
            Matcher one = ITEM.matcher(item.strip());
            if (!one.matches()) {
                return Optional.empty();
            }
            String source = SqlIdentifier.parse(one.group(1));
            String label = one.group(2) == null ? source : SqlIdentifier.parse(one.group(2));
            items.add(new String[] {label, source});
        }
        return Optional.of(new PlainRowView.Shape(table, keyColumn, param, items));
    }
}
