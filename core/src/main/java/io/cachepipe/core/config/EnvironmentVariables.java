package io.cachepipe.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The process's environment as a settings source: a variable's value, or the content of the file
 * its twin {@code <VAR>_FILE} names, the way Docker and Kubernetes mount secrets. Both set, or a file
 * that cannot be read, is a problem recorded for {@link Settings#validate()}.
 */
final class EnvironmentVariables {
    /** Names the file that holds a variable's value: {@code CACHEPIPE_POSTGRES_PASSWORD_FILE}. */
    static final String FILE_SUFFIX = "_FILE";

    private final Map<String, String> variables;
    private final Problems problems;

    EnvironmentVariables(Map<String, String> variables, Problems problems) {
        this.variables = Map.copyOf(variables);
        this.problems = problems;
    }

    Map<String, String> map() {
        return variables;
    }

    boolean names(String variable) {
        return variables.containsKey(variable);
    }

    /** The value of setting {@code key} from variable {@code env} or its file (one trailing newline dropped). */
    @Nullable String value(String key, String env) {
        String value = variables.get(env);
        String path = variables.get(env + FILE_SUFFIX);
        if (path == null) {
            return value;
        }
        if (value != null) {
            problems.add(key + ": both " + env + " and " + env + FILE_SUFFIX + " are set; set one");
            return value;
        }
        try {
            String content = Files.readString(Path.of(path));
            return content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
                    : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        } catch (IOException | RuntimeException e) {
            problems.add(key + ": " + env + FILE_SUFFIX + " = " + path + " cannot be read: " + e.getMessage());
            return null;
        }
    }

    /**
     * The settings under {@code prefix} the environment gives: {@code CACHEPIPE_KAFKA_PROPERTIES_SASL_MECHANISM}
     * (or its {@code _FILE} twin) is {@code sasl.mechanism} under {@code kafka.properties.}.
     */
    Map<String, String> family(String prefix) {
        String envPrefix = Setting.envName(prefix);
        Map<String, String> values = new LinkedHashMap<>();
        variables.keySet().stream().filter(env -> env.startsWith(envPrefix) && env.length() > envPrefix.length()).sorted()
                .forEach(env -> {
                    String name = env.substring(envPrefix.length());
                    boolean fromFile = name.endsWith(FILE_SUFFIX) && name.length() > FILE_SUFFIX.length();
                    String base = fromFile ? name.substring(0, name.length() - FILE_SUFFIX.length()) : name;
                    String key = base.toLowerCase(Locale.ROOT).replace('_', '.');
                    if (!values.containsKey(key)) {
                        String value = value(prefix + key, envPrefix + base);
                        if (value != null) {
                            values.put(key, value);
                        }
                    }
                });
        return values;
    }
}
