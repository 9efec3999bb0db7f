package io.cachepipe.core.view;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A key template such as {@code category:{category_id}:products:page:{page}}: segments separated by
 * {@code ':'}, each either a literal or exactly one {@code {param}}. Because a placeholder is always
 * a whole segment and rendered values escape {@code ':'}, a key can be parsed back to its parameters,
 * and two templates collide only if their segment shapes do, which {@link #mayCollideWith} detects.
 */
public final class KeyTemplate {
    private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern PARAM = Pattern.compile("\\{([a-z_][a-z0-9_]*)}");

    /** One segment: a literal text, or the name of a parameter. */
    public record Segment(String text, boolean isParam) {
    }

    private final String text;
    private final List<Segment> segments;

    private KeyTemplate(String text, List<Segment> segments) {
        this.text = text;
        this.segments = List.copyOf(segments);
    }

    /** Parses a template; the exception message says which segment is wrong and why. */
    public static KeyTemplate parse(String text) {
        List<Segment> segments = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        String[] parts = text.split(":", -1);
        for (String part : parts) {
            var param = PARAM.matcher(part);
            if (param.matches()) {
                String name = param.group(1);
                if (seen.contains(name)) {
                    throw new IllegalArgumentException("parameter {" + name + "} appears twice");
                }
                seen.add(name);
                segments.add(new Segment(name, true));
            } else if (LITERAL.matcher(part).matches()) {
                segments.add(new Segment(part, false));
            } else {
                throw new IllegalArgumentException("segment '" + part + "' must be a literal of letters, digits, '_', '.', '-'"
                        + " or exactly one {parameter} (lowercase name); segments are separated by ':'");
            }
        }
        if (segments.getFirst().isParam()) {
            throw new IllegalArgumentException("must start with a literal segment, e.g. product:{id}");
        }
        return new KeyTemplate(text, segments);
    }

    public String text() {
        return text;
    }

    public List<Segment> segments() {
        return segments;
    }

    public List<String> paramNames() {
        return segments.stream().filter(Segment::isParam).map(Segment::text).toList();
    }

    /** Renders the segments for these parameter values; missing parameters render as {@code *}. */
    public List<String> renderSegments(Map<String, ?> params) {
        List<String> out = new ArrayList<>(segments.size());
        for (Segment segment : segments) {
            if (!segment.isParam()) {
                out.add(segment.text());
            } else {
                Object value = params.get(segment.text());
                out.add(value == null ? "*" : escape(value.toString()));
            }
        }
        return out;
    }

    /** The inverse of rendering: the raw (unescaped) parameter texts, or null if the key does not fit. */
    public @Nullable Map<String, String> match(List<String> keySegments) {
        if (keySegments.size() != segments.size()) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            String part = keySegments.get(i);
            if (segment.isParam()) {
                values.put(segment.text(), unescape(part));
            } else if (!segment.text().equals(part)) {
                return null;
            }
        }
        return values;
    }

    /** True if some key could render from both templates: same segment count and no differing literal pair. */
    public boolean mayCollideWith(KeyTemplate other) {
        if (segments.size() != other.segments.size()) {
            return false;
        }
        for (int i = 0; i < segments.size(); i++) {
            Segment a = segments.get(i);
            Segment b = other.segments.get(i);
            if (!a.isParam() && !b.isParam() && !a.text().equals(b.text())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Escapes the characters that carry meaning in keys: the separator, hash-tag braces, glob
     * characters (so an operator's {@code SCAN MATCH} stays exact) and the escape itself.
     */
    static String escape(String value) {
        var out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' || c == ':' || c == '{' || c == '}' || c == '*' || c == '?' || c == '[' || c == ']'
                    || c == '\\' || c <= ' ' || c == 127) {
                out.append('%').append(Character.forDigit(c >> 4 & 0xF, 16)).append(Character.forDigit(c & 0xF, 16));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static String unescape(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        var out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < value.length()) {
                out.append((char) Integer.parseInt(value.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
