package io.cachepipe.core.change;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * PostgreSQL's identifiers as a views file and SQL write them: an unquoted name is folded to lower case
 * (ASCII letters only, as PostgreSQL does in UTF-8), a quoted one is kept as written, {@code ""} standing
 * for a quote. The name PostgreSQL stores, and a change envelope carries, is the result.
 */
public final class SqlIdentifier {
    private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_$]*");
    /** PostgreSQL's reserved key words, which no unquoted table or schema name may be. */
    private static final Set<String> RESERVED = Set.of("all", "analyse", "analyze", "and", "any", "array", "as", "asc",
            "asymmetric", "authorization", "binary", "both", "case", "cast", "check", "collate", "collation", "column",
            "concurrently", "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
            "current_schema", "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc",
            "distinct", "do", "else", "end", "except", "false", "fetch", "for", "foreign", "freeze", "from", "full",
            "grant", "group", "having", "ilike", "in", "initially", "inner", "intersect", "into", "is", "isnull", "join",
            "lateral", "leading", "left", "like", "limit", "localtime", "localtimestamp", "natural", "not", "notnull",
            "null", "offset", "on", "only", "or", "order", "outer", "overlaps", "placing", "primary", "references",
            "returning", "right", "select", "session_user", "similar", "some", "symmetric", "system_user", "table",
            "tablesample", "then", "to", "trailing", "true", "union", "unique", "user", "using", "variadic", "verbose",
            "when", "where", "window", "with");

    private SqlIdentifier() {
    }

    /** One identifier (a column): {@code Price} is {@code price}, {@code "Price"} is {@code Price}. */
    public static String parse(String text) {
        List<String> parts = split(text.strip());
        if (parts == null || parts.size() != 1 || parts.getFirst().isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' is not a column name (quote one with capitals, spaces or dots"
                    + " as SQL does: \"Order Id\")");
        }
        return parts.getFirst();
    }

    /** The dot-separated identifiers of {@code text}, unquoted ones folded to lower case; null if a quote is left open. */
    static @Nullable List<String> split(String text) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c != '"') {
                    part.append(c);
                } else if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    part.append('"');
                    i++;
                } else {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '.') {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c); // as PostgreSQL folds, ASCII only
            }
        }
        if (quoted) {
            return null;
        }
        parts.add(part.toString());
        return parts;
    }

    /** The name as SQL must write it: bare when it can be, else in double quotes. */
    public static String quoted(String name) {
        if (PLAIN.matcher(name).matches() && !RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            return name;
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
