package io.cachepipe.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.config.ConfigException;
import io.cachepipe.core.metrics.AdminServer;
import io.cachepipe.core.metrics.Metrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A part whose start fails after its admin port is up ends its process, in a child JVM as a part runs:
 * the admin server's dispatcher thread is not a daemon and would otherwise keep it alive, healthy-looking.
 */
class PartStartTest {
    /** Starts the admin port, then fails as its first argument says. */
    public static final class FailingPart {
        public static void main(String[] args) {
            PartStart.run("failing-part", () -> {
                AdminServer.start("127.0.0.1", 0, Metrics.prometheus("failing-part"), () -> false);
                if (args[0].equals("config")) {
                    throw new ConfigException(List.of("kafka.bootstrap: required", "redis.url: not a URL"));
                }
                throw new IllegalStateException("Kafka refused the password");
            });
        }
    }

    /** @param err what it printed, its log and standard error together */
    record Ended(boolean exited, int status, String err) {
    }

    @Test
    void aFailureAfterTheAdminPortIsUp_endsTheProcessWithStatus1_sayingWhy() throws Exception {
        Ended ended = run("other");
        assertThat(ended.exited()).as("the process ended by itself").isTrue();
        assertThat(ended.status()).isEqualTo(1);
        assertThat(ended.err()).contains("failing-part could not start: Kafka refused the password");
    }

    @Test
    void badSettings_endTheProcessWithStatus2_listingEveryProblem() throws Exception {
        Ended ended = run("config");
        assertThat(ended.exited()).as("the process ended by itself").isTrue();
        assertThat(ended.status()).isEqualTo(2);
        assertThat(ended.err()).contains("failing-part: configuration problems:\n  - kafka.bootstrap: required\n  - redis.url: not a URL");
    }

    private static Ended run(String failure) throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), FailingPart.class.getName(), failure)
                .redirectErrorStream(true).start();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        String err = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Ended(exited, exited ? process.exitValue() : -1, err);
    }
}
