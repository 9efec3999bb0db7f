package io.cachepipe.cli.ops;

import io.cachepipe.core.config.ConfigException;
import io.cachepipe.core.config.Settings;
import io.cachepipe.store.kafka.KafkaRefusal;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every operator command shares: where its settings come from ({@link SettingsLookup}), and one
 * mapping of failures to exit codes and messages. Exit codes: 0 done, 1 failed, 2 bad configuration or
 * arguments, 3 refused (e.g. a replay while the consumer group is active); a command that reports a
 * finding of its own (the audit) numbers it from 4 up.
 */
abstract class OpsCommand implements Callable<Integer> {
    static final int DONE = 0;
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;
    static final int REFUSED = 3;

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "<file>",
            description = "settings file (YAML); default: the file named by CACHEPIPE_CONFIG, else (when no CACHEPIPE_* "
                    + "setting is set either) .cachepipe/cachepipe.settings, which a cachepipe demo started here writes")
    @Nullable Path configFile;

    @Option(names = "--set", paramLabel = "<key=value>",
            description = "a setting for this run, e.g. --set kafka.bootstrap=localhost:9092 (strongest source; repeatable)")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** Set by {@link OpsFactory} when the command line is built. */
    @Nullable SettingsLookup lookup;

    private SettingsLookup.@Nullable Found found;

    /** Thrown by a command that declines to act; the message says why and what to do. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (ConfigException e) {
            return configurationProblems(e);
        } catch (IllegalArgumentException e) {
            err().println("cachepipe " + spec.name() + ": " + e.getMessage());
            return BAD_INPUT;
        } catch (Refused e) {
            err().println("cachepipe " + spec.name() + ": refused: " + e.getMessage());
            return REFUSED;
        } catch (Exception e) {
            var refused = KafkaRefusal.of(e, null);
            if (refused.isPresent()) {
                return configurationProblems(refused.get());
            }
            err().println("cachepipe " + spec.name() + ": failed: " + message(e));
            return FAILED;
        } finally {
            out().flush();
            err().flush();
        }
    }

    abstract int run() throws Exception;

    private int configurationProblems(ConfigException e) {
        err().println("cachepipe " + spec.name() + ": configuration problems:");
        e.problems().forEach(problem -> err().println("  - " + problem));
        if (found != null && found.file() == null) {
            err().println(found.whereSettingsComeFrom());
        }
        return BAD_INPUT;
    }

    /** This run's settings; says on stderr which settings file they come from, if any. */
    Settings settings() {
        if (lookup == null) {
            throw new IllegalStateException("operator commands are created by OpsFactory, which tells them where settings are");
        }
        found = lookup.find(configFile, overrides);
        String announcement = found.announcement();
        if (announcement != null) {
            err().println(announcement);
        }
        return found.settings();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private static String message(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof java.util.concurrent.CompletionException || cause instanceof java.util.concurrent.ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
