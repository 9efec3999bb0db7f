package io.cachepipe.core.change;

import java.util.Locale;

/** A captured table, always schema-qualified: {@code products} means {@code public.products}. */
public record TableName(String schema, String table) {

    public static TableName parse(String text) {
        String trimmed = text.strip().toLowerCase(Locale.ROOT);
        int dot = trimmed.indexOf('.');
        if (trimmed.isEmpty() || dot == 0 || dot == trimmed.length() - 1 || trimmed.indexOf('.', dot + 1) >= 0) {
            throw new IllegalArgumentException("'" + text + "' is not a table name (use table or schema.table)");
        }
        return dot < 0 ? new TableName("public", trimmed) : new TableName(trimmed.substring(0, dot), trimmed.substring(dot + 1));
    }

    @Override
    public String toString() {
        return schema + "." + table;
    }
}
