package io.cachepipe.core.view;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * SQL with {@code :name} parameters turned into JDBC's positional {@code ?}. Values are always
 * bound, never concatenated. Quoted strings, quoted identifiers, dollar-quoted bodies, comments and
 * {@code ::} casts are left alone.
 *
 * @param jdbcSql    the statement with {@code ?} placeholders
 * @param parameters the parameter name of each placeholder, in order (a name may repeat)
 */
public record NamedSql(String jdbcSql, List<String> parameters) {

    public NamedSql {
        parameters = List.copyOf(parameters);
    }

    public Set<String> names() {
        return new LinkedHashSet<>(parameters);
    }

    public static NamedSql parse(String sql) {
        return scan(sql, false);
    }

    /**
     * The statement with PostgreSQL's own placeholders, {@code $1} for the first distinct name and so
     * on (a repeated name keeps its number), as {@code PREPARE} takes it; {@link #names()} of
     * {@link #parse} gives the order.
     */
    public static String numbered(String sql) {
        return scan(sql, true).jdbcSql();
    }

    private static NamedSql scan(String sql, boolean numbered) {
        var out = new StringBuilder(sql.length());
        List<String> names = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int end = closing(sql, i + 1, c);
                out.append(sql, i, end);
                i = end;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                out.append(sql, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                out.append(sql, i, end);
                i = end;
            } else if (c == '$' && dollarTag(sql, i) instanceof String tag) {
                int end = sql.indexOf(tag, i + tag.length());
                end = end < 0 ? n : end + tag.length();
                out.append(sql, i, end);
                i = end;
            } else if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
                out.append("::");
                i += 2;
            } else if (c == ':' && i + 1 < n && isNameStart(sql.charAt(i + 1))) {
                int end = i + 1;
                while (end < n && isNamePart(sql.charAt(end))) {
                    end++;
                }
                String name = sql.substring(i + 1, end);
                if (numbered) {
                    int number = names.indexOf(name);
                    out.append('$').append(number < 0 ? names.size() + 1 : number + 1);
                    if (number >= 0) {
                        i = end;
                        continue;
                    }
                } else {
                    out.append('?');
                }
                names.add(name);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return new NamedSql(out.toString(), names);
    }

    private static int closing(String sql, int from, char quote) {
        int i = from;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return sql.length();
    }

    private static @org.jspecify.annotations.Nullable String dollarTag(String sql, int at) {
        int end = at + 1;
        while (end < sql.length() && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
            end++;
        }
        if (end < sql.length() && sql.charAt(end) == '$' && (end == at + 1 || !Character.isDigit(sql.charAt(at + 1)))) {
            return sql.substring(at, end + 1);
        }
        return null;
    }

    private static boolean isNameStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isNamePart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
