package io.cachepipe.core.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Names in a settings file or the environment that look like settings and are none: a misspelt key is
 * otherwise ignored without a word, and its default used instead ({@code cache: {namespace: x}} for
 * {@code redis.namespace} left two deployments writing one namespace).
 *
 * <p>A process knows the settings of the classes it uses ({@link Setting.Declared}), and each section is
 * declared whole by one class, so a key of a declared section that is no declared setting is a mistake.
 * A key of a section this process does not read may be another process's (one file serves them all):
 * it is left alone unless its section is no section of cachepipe's at all ({@link Setting#SECTIONS}).
 */
final class UnknownSettings {
    private static final String ENV_PREFIX = "CACHEPIPE_";

    private UnknownSettings() {
    }

    /** One problem per unknown key of {@code file} (named {@code fileName}) and per unknown variable of {@code environment}. */
    static List<String> find(String fileName, Collection<String> file, Collection<String> environment) {
        Map<String, Setting<?>> declared = Setting.Declared.settings();
        Set<String> passedOn = Setting.Declared.passedOn();
        Set<String> sections = new TreeSet<>();
        declared.keySet().forEach(key -> sections.add(Setting.section(key)));
        List<String> problems = new ArrayList<>();
        for (String key : new TreeSet<>(file)) {
            String section = Setting.section(key);
            boolean known = declared.containsKey(key) || passedOn.stream().anyMatch(key::startsWith);
            if (!known && (sections.contains(section) || !Setting.SECTIONS.contains(section))) {
                problems.add("settings file " + fileName + ": '" + key + "' is not a setting" + suggestion(key, declared.keySet())
                        .map(near -> " (did you mean '" + near + "'?)").orElse(" (cachepipe config lists them all)"));
            }
        }
        Set<String> envs = new TreeSet<>();
        declared.values().forEach(setting -> envs.add(setting.env()));
        for (String name : new TreeSet<>(environment)) {
            if (!name.startsWith(ENV_PREFIX) || envs.contains(name) || name.endsWith(EnvironmentVariables.FILE_SUFFIX)
                    && envs.contains(name.substring(0, name.length() - EnvironmentVariables.FILE_SUFFIX.length()))
                    || passedOn.stream().anyMatch(prefix -> name.startsWith(Setting.envName(prefix)))) {
                continue;
            }
            // Only a declared section's variables: CACHEPIPE_CONFIG, CACHEPIPE_JAVA_OPTS, CACHEPIPE_DEVSTACK_* are no settings.
            if (sections.stream().anyMatch(section -> name.startsWith(Setting.envName(section + ".")))) {
                problems.add("environment " + name + " is not a setting" + suggestion(name, envs)
                        .map(near -> " (did you mean " + near + "?)").orElse(" (cachepipe config lists them all)"));
            }
        }
        return problems;
    }

    /** The known name most like {@code name}: one ending in the same word, else one a few edits away. */
    static Optional<String> suggestion(String name, Collection<String> known) {
        String last = name.substring(Math.max(name.lastIndexOf('.'), name.lastIndexOf('_')) + 1);
        Optional<String> sameWord = known.stream().filter(candidate -> candidate.endsWith("." + last) || candidate.endsWith("_" + last))
                .min(Comparator.comparingInt(candidate -> distance(name, candidate)));
        if (sameWord.isPresent() && !last.isEmpty()) {
            return sameWord;
        }
        return known.stream().filter(candidate -> distance(name, candidate) <= 3).min(Comparator.comparingInt(candidate -> distance(name, candidate)));
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
