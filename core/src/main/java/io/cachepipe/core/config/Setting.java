package io.cachepipe.core.config;

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

    /** Turns the setting's text into a value, or throws {@link IllegalArgumentException} saying why not. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String text);
    }

    public static <T> Setting<T> optional(String key, String defaultValue, Parser<T> parser, String description) {
        return new Setting<>(key, envName(key), defaultValue, parser, description, false, false);
    }

    public static <T> Setting<T> required(String key, Parser<T> parser, String description) {
        return new Setting<>(key, envName(key), null, parser, description, false, false);
    }

    public Setting<T> asSecret() {
        return new Setting<>(key, env, defaultValue, parser, description, true, path);
    }

    /** A file or directory, relative to the settings file's directory when that file gives it. */
    public Setting<T> asPath() {
        return new Setting<>(key, env, defaultValue, parser, description, secret, true);
    }

    public Setting<T> withEnv(String otherEnv) {
        return new Setting<>(key, otherEnv, defaultValue, parser, description, secret, path);
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
}
