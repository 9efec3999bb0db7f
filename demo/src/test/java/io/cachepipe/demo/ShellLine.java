package io.cachepipe.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One line of a runbook block, read the way {@code bash} reads the small part of its language the
 * runbook uses: words, {@code '...'} (literal), {@code "..."} (with {@code $NAME} and {@code ${NAME}}
 * expanded), {@code $NAME} in bare words, a {@code #} comment, {@code NAME=value} and
 * {@code export NAME=value}. A comment that starts with {@code exit N} says the exit status the
 * runbook promises for the line's command (0 when it says nothing).
 *
 * @param words    the words after expansion, comment removed; empty for a blank or comment-only line
 * @param comment  the comment without {@code #}, or null
 */
record ShellLine(String text, List<String> words, @Nullable String comment) {
    private static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(.*)", Pattern.DOTALL);
    private static final Pattern EXIT = Pattern.compile("^exit (\\d+)\\b");
    private static final Pattern VARIABLE = Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)}|([A-Za-z_][A-Za-z0-9_]*))");

    /** What a line does. */
    enum Kind { NOTHING, ASSIGNMENT, EXPORT, COMMAND }

    static ShellLine parse(String text, Function<String, @Nullable String> variables) {
        List<String> words = new ArrayList<>();
        String comment = null;
        StringBuilder word = null;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                i++;
            } else if (c == '#' && word == null) {
                comment = text.substring(i + 1).strip();
                break;
            } else if (c == '\'') {
                int end = closing(text, i, '\'');
                word = (word == null ? new StringBuilder() : word).append(text, i + 1, end);
                i = end + 1;
            } else if (c == '"') {
                int end = closing(text, i, '"');
                word = (word == null ? new StringBuilder() : word).append(expand(text.substring(i + 1, end), variables, text));
                i = end + 1;
            } else {
                int end = i;
                while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && "'\"".indexOf(text.charAt(end)) < 0) {
                    end++;
                }
                word = (word == null ? new StringBuilder() : word).append(expand(text.substring(i, end), variables, text));
                i = end;
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return new ShellLine(text, List.copyOf(words), comment);
    }

    Kind kind() {
        if (words.isEmpty()) {
            return Kind.NOTHING;
        }
        if (words.size() == 2 && words.get(0).equals("export") && ASSIGNMENT.matcher(words.get(1)).matches()) {
            return Kind.EXPORT;
        }
        return words.size() == 1 && ASSIGNMENT.matcher(words.get(0)).matches() ? Kind.ASSIGNMENT : Kind.COMMAND;
    }

    /** The name and value of an assignment or export. */
    Map.Entry<String, String> assignment() {
        if (kind() != Kind.ASSIGNMENT && kind() != Kind.EXPORT) {
            throw new IllegalStateException("not an assignment: " + text);
        }
        Matcher matcher = ASSIGNMENT.matcher(words.get(words.size() - 1));
        if (!matcher.matches()) {
            throw new IllegalStateException("not an assignment: " + text);
        }
        return Map.entry(matcher.group(1), matcher.group(2));
    }

    /** The exit status the comment promises, 0 when it promises none. */
    int expectedExit() {
        if (comment == null) {
            return 0;
        }
        Matcher matcher = EXIT.matcher(comment);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }

    private static int closing(String text, int open, char quote) {
        int end = text.indexOf(quote, open + 1);
        if (end < 0) {
            throw new IllegalArgumentException("unclosed " + quote + " in: " + text);
        }
        return end;
    }

    private static String expand(String part, Function<String, @Nullable String> variables, String line) {
        return VARIABLE.matcher(part).replaceAll(match -> {
            String name = match.group(1) != null ? match.group(1) : match.group(2);
            String value = variables.apply(name);
            if (value == null) {
                throw new IllegalArgumentException("$" + name + " is not set, in: " + line);
            }
            return Matcher.quoteReplacement(value);
        });
    }
}
