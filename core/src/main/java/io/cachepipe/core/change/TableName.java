package io.cachepipe.core.change;

import java.util.List;

/**
 * A captured table, always schema-qualified: {@code products} means {@code public.products}. Its parts
 * are the names as PostgreSQL stores them ({@code pg_class.relname}): read from a views file as SQL reads
 * an identifier, an unquoted name folded to lower case and a quoted one kept as written
 * ({@code "Sales"."Order Lines"}, as ORMs such as Prisma and Entity Framework name tables), so that they
 * equal the names a change envelope and the catalog give.
 */
public record TableName(String schema, String table) {
    public static TableName parse(String text) {
        List<String> parts = SqlIdentifier.split(text.strip());
        if (parts == null || parts.isEmpty() || parts.size() > 2 || parts.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("'" + text + "' is not a table name (use table or schema.table, quoting a name"
                    + " with capitals, spaces or dots as SQL does: \"Sales\".\"Order Lines\")");
        }
        return parts.size() == 1 ? new TableName("public", parts.getFirst()) : new TableName(parts.get(0), parts.get(1));
    }

    /** The name as SQL must write it: each part bare when it can be, else in double quotes. */
    @Override
    public String toString() {
        return SqlIdentifier.quoted(schema) + "." + SqlIdentifier.quoted(table);
    }
}
