package io.cachepipe.core.process;

import io.cachepipe.core.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the main of a standalone part (cdc-capture, invalidator, warmer, API) runs: a part that cannot
 * start ends its process, with status 2 for bad settings (each problem on its own line, as the CLI
 * says them) and 1 for anything else. Without it, a failure after the admin port is up (Kafka refusing
 * the password, a topic that cannot be created) left the JVM running behind the admin server's
 * non-daemon dispatcher thread, answering {@code /health/live} with 200: an orchestrator would never
 * restart it, and nobody would see the failure but in its log.
 */
public final class PartStart {
    private static final Logger log = LoggerFactory.getLogger(PartStart.class);

    private PartStart() {
    }

    /** The part's start-up, which may throw. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /** Runs {@code body}; when it throws, says why and exits (the shutdown hooks it registered close what it opened). */
    public static void run(String part, Body body) {
        try {
            body.run();
        } catch (ConfigException e) {
            System.err.println(part + ": configuration problems:");
            e.problems().forEach(problem -> System.err.println("  - " + problem));
            System.exit(2);
        } catch (Exception | Error e) {
            log.error("{} could not start: {}", part, e.getMessage(), e);
            System.exit(1);
        }
    }
}
