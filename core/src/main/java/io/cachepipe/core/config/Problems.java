package io.cachepipe.core.config;

import java.util.ArrayList;
import java.util.List;

/** Collects validation problems and throws them together. */
public final class Problems {
    private final List<String> problems = new ArrayList<>();

    public Problems add(String problem) {
        problems.add(problem);
        return this;
    }

    public Problems check(boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
        }
        return this;
    }

    public void addAll(List<String> more) {
        problems.addAll(more);
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public int size() {
        return problems.size();
    }

    public List<String> list() {
        return List.copyOf(problems);
    }

    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
