package io.cachepipe.core.config;

import java.util.List;

/**
 * Invalid configuration. Carries every problem found, so that an operator fixes them all in one
 * round instead of discovering them one restart at a time.
 */
public class ConfigException extends RuntimeException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        if (problems.size() == 1) {
            return "Invalid configuration: " + problems.getFirst();
        }
        var text = new StringBuilder("Invalid configuration, " + problems.size() + " problems:");
        problems.forEach(problem -> text.append("\n  - ").append(problem));
        return text.toString();
    }
}
