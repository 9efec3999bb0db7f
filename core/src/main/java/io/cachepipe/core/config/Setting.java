package io.cachepipe.core.config;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One configuration key: its name in files and system properties, its environment variable, its
 * default (the single place the default lives: code and the generated docs both read it) and how
 * its text is parsed.
 *
 * @param key dotted name, e.g. {@code postgres.url}; also readable as system property {@code cachepipe.<key>}
 * @param env environment variable name
 * @param defaultValue default as text, or {@code null} when the setting is required
 * @param secret masked in logs and in {@code --help}; a setting that is not secret still has the
 *               passwords of any URL in its value masked ({@link Secrets#maskUrlPasswords})
 * @param path   a file or directory: a relative one given in a settings file is relative to that
 *               file's directory, as a views file named beside it is meant, wherever the process runs
 */
public record Setting<T>(
        String key, String env, @Nullable String defaultValue, Parser<T> parser, String description, boolean secret, boolean path) {

    /** The first dotted part of every setting's key ({@link #section}); {@code ConfigCommandTest} holds it to the settings there are. */
    public static final Set<String> SECTIONS = Set.of("api", "audit", "cache", "cdc", "invalidator", "kafka", "postgres", "redis", "views",
            "warmer");

    /** Turns the setting's text into a value, or throws {@link IllegalArgumentException} saying why not. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String text);
    }

    public static <T> Setting<T> optional(String key, String defaultValue, Parser<T> parser, String description) {
        return Declared.add(new Setting<>(key, envName(key), defaultValue, parser, description, false, false));
    }

    public static <T> Setting<T> required(String key, Parser<T> parser, String description) {
        return Declared.add(new Setting<>(key, envName(key), null, parser, description, false, false));
    }

    /**
     * A family of keys handed on whole to a client ({@code kafka.properties.}, {@code cdc.debezium.}), read
     * with {@link Settings#prefixed}: declared so that its keys are not taken for misspelt settings.
     */
    public static String passedOn(String prefix) {
        Declared.PASSED_ON.add(prefix);
        return prefix;
    }

    public Setting<T> asSecret() {
        return Declared.add(new Setting<>(key, env, defaultValue, parser, description, true, path));
    }

    /** A file or directory, relative to the settings file's directory when that file gives it. */
    public Setting<T> asPath() {
        return Declared.add(new Setting<>(key, env, defaultValue, parser, description, secret, true));
    }

    public Setting<T> withEnv(String otherEnv) {
        return Declared.add(new Setting<>(key, otherEnv, defaultValue, parser, description, secret, path));
    }

    /** The section a key belongs to: its first dotted part ({@code postgres} of {@code postgres.url}). */
    public static String section(String key) {
        int dot = key.indexOf('.');
        return dot < 0 ? key : key.substring(0, dot);
    }

    public boolean isRequired() {
        return defaultValue == null;
    }

    /** {@code postgres.pool-size} becomes {@code CACHEPIPE_POSTGRES_POOL_SIZE}. */
    public static String envName(String key) {
        return "CACHEPIPE_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The value as it may be printed: a secret as {@code ****}, anything else with URL passwords masked. */
    public String mask(String value) {
        if (secret) {
            return value.isEmpty() ? value : Secrets.MASK;
        }
        return Secrets.maskUrlPasswords(value);
    }

    /**
     * Every setting declared so far, by key: a class declares all of its settings when it is first used,
     * and each section's settings are declared by one class, so a section with one declared setting here
     * has all of them ({@link UnknownSettings}).
     */
    static final class Declared {
        private static final Map<String, Setting<?>> SETTINGS = new ConcurrentHashMap<>();
        private static final Set<String> PASSED_ON = ConcurrentHashMap.newKeySet();

        private Declared() {
        }

        static <T> Setting<T> add(Setting<T> setting) {
            SETTINGS.put(setting.key(), setting);
            return setting;
        }

        static Map<String, Setting<?>> settings() {
            return Map.copyOf(SETTINGS);
        }

        static Set<String> passedOn() {
            return Set.copyOf(PASSED_ON);
        }
    }
}
