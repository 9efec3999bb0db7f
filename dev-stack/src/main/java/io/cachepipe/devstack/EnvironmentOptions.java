package io.cachepipe.devstack;

import io.cachepipe.devstack.DevStackOptions.Key;
import io.cachepipe.devstack.DevStackOptions.Provider;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The one loader of {@link DevStackOptions} from system properties and environment variables.
 * Parse errors name the exact source ("system property x" or "environment variable X"); they are
 * reported together with the options' own validation problems.
 */
final class EnvironmentOptions {
    private final Function<String, @Nullable String> systemProperties;
    private final Function<String, @Nullable String> environment;
    private final List<String> problems = new ArrayList<>();

    EnvironmentOptions(Function<String, @Nullable String> systemProperties, Function<String, @Nullable String> environment) {
        this.systemProperties = systemProperties;
        this.environment = environment;
    }

    DevStackOptions read(Path defaultDataDir) {
        Path dataDir = path(Key.DIR, defaultDataDir);
        Provider provider = provider();
        int postgresPort = port(Key.POSTGRES_PORT);
        int kafkaPort = port(Key.KAFKA_PORT);
        int redisPort = port(Key.REDIS_PORT);
        String postgresUrl = text(Key.POSTGRES_URL);
        String postgresUser = text(Key.POSTGRES_USER);
        String postgresPassword = text(Key.POSTGRES_PASSWORD);
        String kafkaBootstrap = text(Key.KAFKA_BOOTSTRAP);
        String redisUrl = text(Key.REDIS_URL);
        boolean fsync = onOff(Key.POSTGRES_FSYNC);
        if (!problems.isEmpty()) {
            problems.addAll(DevStackOptions.problems(dataDir, provider, postgresPort, kafkaPort, redisPort,
                    postgresUrl, kafkaBootstrap, redisUrl));
            throw new IllegalArgumentException(DevStackOptions.describeProblems(problems));
        }
        return new DevStackOptions(dataDir, provider, postgresPort, kafkaPort, redisPort,
                postgresUrl, postgresUser, postgresPassword, kafkaBootstrap, redisUrl, fsync);
    }

    /** {@code on} or {@code off} (also true/false); unset is off. */
    private boolean onOff(Key key) {
        String value = text(key);
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> {
                problems.add(source(key) + " was '" + value + "': expected on or off");
                yield false;
            }
        };
    }

    /** Blank counts as unset, so {@code export CACHEPIPE_DEVSTACK_REDIS_URL=} switches a value off. */
    private @Nullable String text(Key key) {
        String value = systemProperties.apply(key.systemProperty());
        if (value == null || value.isBlank()) {
            value = environment.apply(key.environmentVariable());
        }
        return value == null || value.isBlank() ? null : value.strip();
    }

    private String source(Key key) {
        String property = systemProperties.apply(key.systemProperty());
        return property != null && !property.isBlank()
                ? "system property " + key.systemProperty()
                : "environment variable " + key.environmentVariable();
    }

    private Path path(Key key, Path fallback) {
        String value = text(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            problems.add(source(key) + " was '" + value + "': not a path (" + e.getReason() + ")");
            return fallback;
        }
    }

    private Provider provider() {
        String value = text(Key.PROVIDER);
        if (value == null) {
            return Provider.AUTO;
        }
        try {
            return Provider.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add(source(Key.PROVIDER) + " was '" + value + "'; expected one of "
                    + Arrays.toString(Provider.values()) + " (any case)");
            return Provider.AUTO;
        }
    }

    private int port(Key key) {
        String value = text(key);
        if (value == null) {
            return 0;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            problems.add(source(key) + " was '" + value + "'; expected a port number (0 = any free port)");
            return 0;
        }
    }
}
