package io.cachepipe.core.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The one reader of raw configuration text. Looks a {@link Setting} up in, from strongest to
 * weakest: explicit overrides, system properties ({@code cachepipe.<key>}), environment variables,
 * the content of the file an environment variable {@code <VAR>_FILE} names (as Docker and Kubernetes
 * mount secrets: {@code CACHEPIPE_POSTGRES_PASSWORD_FILE=/run/secrets/pg}), the optional settings file
 * (YAML, nested maps flattened to dotted keys), then the default. Client settings handed on whole
 * ({@code kafka.properties.*}, {@code cdc.debezium.*}) are read with {@link #prefixed}.
 *
 * <p>Every problem is recorded rather than thrown, so that {@link #validate()} reports all of them in
 * one {@link ConfigException}. Beyond this class configuration is typed records; no other code
 * handles {@code Map<String,String>} except where it is handed to Kafka or Debezium.
 */
public final class Settings {
    /** Names the settings file; read from the environment or a system property. */
    public static final String CONFIG_FILE_ENV = "CACHEPIPE_CONFIG";
    private static final String FILE_ORIGIN = "file ";

    private final Map<String, String> overrides;
    private final Properties systemProperties;
    private final EnvironmentVariables environment;
    private final FileValues file;
    private final Problems problems = new Problems();
    private final Map<String, String> resolved = new LinkedHashMap<>();
    private boolean unknownChecked;

    private Settings(Map<String, String> overrides, Properties systemProperties, Map<String, String> environment, FileValues file) {
        this.overrides = Map.copyOf(overrides);
        this.systemProperties = systemProperties;
        this.environment = new EnvironmentVariables(environment, problems);
        this.file = file;
    }

    /** Settings of this process: system properties, environment, and the file named by {@value #CONFIG_FILE_ENV}. */
    public static Settings fromProcess(Map<String, String> overrides) {
        Map<String, String> env = System.getenv();
        Path configFile = configFile(System.getProperties(), env);
        var settings = of(overrides, System.getProperties(), env);
        return configFile == null ? settings : settings.withFile(configFile);
    }

    /**
     * Settings from the given sources, without a file (add one with {@link #withFile}): for a command
     * that chooses its file itself, and for tests that stand in for a process's environment.
     */
    public static Settings of(Map<String, String> overrides, Properties systemProperties, Map<String, String> environment) {
        return new Settings(overrides, systemProperties, environment, FileValues.NONE);
    }

    /** The settings file these sources name ({@code -Dcachepipe.config} or {@value #CONFIG_FILE_ENV}), if any. */
    public static @Nullable Path configFile(Properties systemProperties, Map<String, String> environment) {
        String name = systemProperties.getProperty("cachepipe.config", environment.get(CONFIG_FILE_ENV));
        return name == null || name.isBlank() ? null : Path.of(name);
    }

    /** Whether these sources set this setting themselves (a system property or an environment variable). */
    public static boolean setsItself(Setting<?> setting, Properties systemProperties, Map<String, String> environment) {
        return systemProperties.getProperty("cachepipe." + setting.key()) != null || environment.containsKey(setting.env())
                || environment.containsKey(setting.env() + EnvironmentVariables.FILE_SUFFIX);
    }

    /** Settings from explicit values only: for tests and for the in-process demo. */
    public static Settings of(Map<String, String> values) {
        return new Settings(values, new Properties(), Map.of(), FileValues.NONE);
    }

    /** Adds a settings file. A file that cannot be read is a recorded problem, not an exception. */
    public Settings withFile(Path path) {
        try {
            return new Settings(overrides, systemProperties, environment.map(), FileValues.read(path));
        } catch (IOException e) {
            Settings result = new Settings(overrides, systemProperties, environment.map(), new FileValues(path.toString(), Map.of()));
            result.problems.add("settings file " + path + " cannot be read: " + e.getMessage());
            return result;
        }
    }

    /** Returns the value, or {@code null} after recording a problem when it is missing or malformed. */
    public <T> @Nullable T get(Setting<T> setting) {
        String text = raw(setting);
        if (text != null && setting.path() && origin(setting).equals(FILE_ORIGIN + file.name())) {
            text = file.relative(text);
        }
        if (text == null) {
            if (!environment.names(setting.env() + EnvironmentVariables.FILE_SUFFIX)) { // an unreadable file was reported already
                problems.add(setting.key() + " is required: set " + setting.env() + " (" + setting.description() + ")");
            }
            return null;
        }
        resolved.put(setting.key(), setting.mask(text));
        try {
            return setting.parser().parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(setting.key() + " = '" + setting.mask(text) + "' (from " + origin(setting) + "): " + e.getMessage());
            return null;
        }
    }

    /**
     * Reads every one of these settings, recording a problem for each that is missing or malformed, and
     * returns their values if all are present. Otherwise throws a {@link ConfigException} of the problems
     * just recorded, which {@link #read} turns into an absent section without recording them twice. A
     * section reader builds its record from these values, never from a missing one, so its compact
     * constructor checks (which relate values) run only once every value it relates is there.
     */
    public Values require(Setting<?>... settings) {
        int before = problems.size();
        Map<Setting<?>, Object> values = new HashMap<>();
        boolean complete = true;
        for (Setting<?> setting : settings) {
            Object value = get(setting);
            if (value == null) {
                complete = false;
            } else {
                values.put(setting, value);
            }
        }
        if (!complete) {
            throw new Incomplete(problems.list().subList(before, problems.size()));
        }
        return new Values(values);
    }

    /** Values that {@link #require} found present, by setting. */
    public static final class Values {
        private final Map<Setting<?>, Object> values;

        private Values(Map<Setting<?>, Object> values) {
            this.values = values;
        }

        /** The value of a setting that was required; a setting that was not is a programming error. */
        @SuppressWarnings("unchecked") // put by require() from setting.parser(), which returns a T
        public <T> T get(Setting<T> setting) {
            Object value = values.get(setting);
            if (value == null) {
                throw new IllegalArgumentException(setting.key() + " was not among the settings required");
            }
            return (T) value;
        }
    }

    /** A section's missing or malformed values; {@link #require} recorded them already. */
    private static final class Incomplete extends ConfigException {
        Incomplete(List<String> problems) {
            super(problems);
        }
    }

    /** The value text as given (not parsed), or null when absent everywhere and without default. */
    public @Nullable String raw(Setting<?> setting) {
        String value = overrides.get(setting.key());
        if (value == null) value = systemProperties.getProperty("cachepipe." + setting.key());
        if (value == null) value = environment.value(setting.key(), setting.env());
        if (value == null) value = file.get(setting.key());
        if (value == null) value = setting.defaultValue();
        return value;
    }

    /**
     * Every setting under {@code prefix} (such as {@code kafka.properties.}), keyed by the rest of its name, from
     * every source a {@link Setting} is read from, strongest first (environment: {@link EnvironmentVariables#family}).
     * Values whose name says they are secret ({@link Secrets#isSecretName}) are masked in {@link #resolved}.
     */
    public Map<String, String> prefixed(String prefix) {
        Map<String, String> values = new LinkedHashMap<>();
        putUnder(prefix, file.values(), values);
        values.putAll(environment.family(prefix));
        systemProperties.stringPropertyNames().forEach(name -> putUnder("cachepipe." + prefix, name, systemProperties.getProperty(name), values));
        putUnder(prefix, overrides, values);
        values.forEach((key, value) -> resolved.put(prefix + key, Secrets.isSecretName(key) ? Secrets.MASK : Secrets.maskUrlPasswords(value)));
        return values;
    }

    private static void putUnder(String prefix, Map<String, String> source, Map<String, String> into) {
        source.forEach((key, value) -> putUnder(prefix, key, value, into));
    }

    /** Puts {@code value} under the rest of {@code key}'s name if the key lies under {@code prefix}. */
    private static void putUnder(String prefix, String key, @Nullable String value, Map<String, String> into) {
        if (value != null && key.startsWith(prefix) && key.length() > prefix.length()) {
            into.put(key.substring(prefix.length()), value);
        }
    }

    /**
     * Builds one section of the configuration. Returns null if reading its settings recorded a problem
     * or its compact constructor rejected the values; either way the problems are kept for {@link #validate()}.
     * Use {@link #section} instead where the section is used after {@link #validate()}.
     */
    public <T> @Nullable T read(Function<Settings, T> section) {
        int before = problems.size();
        try {
            T value = section.apply(this);
            return problems.size() == before ? value : null;
        } catch (Incomplete e) {
            return null;
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    /** Builds one section as {@link #read} does, to be taken with {@link Section#get()} once {@link #validate()} passed. */
    public <T> Section<T> section(Function<Settings, T> section) {
        return new Section<>(read(section));
    }

    /**
     * One section of the configuration, read before {@link #validate()} so that every section's problems
     * are reported together, and used after it.
     */
    public static final class Section<T> {
        private final @Nullable T value;

        private Section(@Nullable T value) {
            this.value = value;
        }

        /**
         * The section. Present once {@link #validate()} has passed: a section is absent only after a
         * problem was recorded, and {@code validate()} throws on any.
         */
        public T get() {
            if (value == null) {
                throw new IllegalStateException("a configuration section with problems was used without validate()");
            }
            return value;
        }

        /** The section, or null if reading it recorded a problem: for a look before {@link #validate()}. */
        public @Nullable T orNull() {
            return value;
        }
    }

    public void addProblem(String problem) {
        problems.add(problem);
    }

    /**
     * Throws one {@link ConfigException} listing every problem recorded so far, and every name in the
     * settings file or the environment that looks like a setting of a section read here and is none
     * ({@link UnknownSettings}): a misspelt key would otherwise leave its setting at the default unsaid.
     */
    public void validate() {
        if (!unknownChecked) {
            unknownChecked = true;
            problems.addAll(UnknownSettings.find(file.name(), file.values().keySet(), environment.map().keySet()));
        }
        problems.throwIfAny();
    }

    /** The settings read so far, secrets masked, in reading order: for the one start-up log line. */
    public Map<String, String> resolved() {
        return Map.copyOf(resolved);
    }

    public String describeResolved() {
        var text = new StringBuilder();
        resolved.forEach((key, value) -> text.append(text.isEmpty() ? "" : ", ").append(key).append('=').append(value));
        return text.toString();
    }

    private String origin(Setting<?> setting) {
        if (overrides.containsKey(setting.key())) return "explicit value";
        if (systemProperties.getProperty("cachepipe." + setting.key()) != null) return "system property cachepipe." + setting.key();
        if (environment.names(setting.env())) return "environment " + setting.env();
        if (environment.names(setting.env() + EnvironmentVariables.FILE_SUFFIX)) {
            return "the file " + setting.env() + EnvironmentVariables.FILE_SUFFIX + " names";
        }
        if (file.has(setting.key())) return FILE_ORIGIN + file.name();
        return "default";
    }
}
