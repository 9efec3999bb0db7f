package io.cachepipe.demo;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Prometheus's own binaries ({@code promtool}, {@code prometheus}) for the tests of
 * deploy/prometheus and deploy/grafana: found on the {@code PATH}. Where they are missing a test is
 * skipped and says how to install them, unless {@value #REQUIRE_TOOLS} is set (CI sets it in
 * {@code .ci/run}, which installs them), and then it fails: a CI machine without them would
 * otherwise pass without testing anything.
 */
final class PrometheusTools {
    static final String REQUIRE_TOOLS = "CACHEPIPE_REQUIRE_TOOLS";
    static final Path ROOT = Path.of("..");
    static final Path ALERTS = ROOT.resolve("deploy/prometheus/alerts.yml");
    static final Path ALERTS_TEST = ROOT.resolve("deploy/prometheus/alerts-test.yml");
    static final Path DASHBOARD = ROOT.resolve("deploy/grafana/cachepipe.json");
    private static final String INSTALL = "install it with `apt-get install prometheus` (Debian/Ubuntu: promtool and "
            + "prometheus), or put Prometheus 2.x's binaries on the PATH";

    /** What a finished command printed, stdout and stderr together. */
    record Run(List<String> command, int exit, String output) {
        String describe() {
            return String.join(" ", command) + " exited with " + exit + ":\n" + output;
        }
    }

    private PrometheusTools() {
    }

    /** A YAML file (the rules, their tests) as a JSON tree. */
    static JsonNode yaml(Path file) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The binary {@code name} on the PATH; skips the test (or fails it, with {@value #REQUIRE_TOOLS} set) when absent. */
    static Path require(String name) {
        Optional<Path> found = onPath(name);
        if (found.isPresent()) {
            return found.get();
        }
        String missing = name + " is not on the PATH (" + System.getenv("PATH") + "): " + INSTALL;
        String required = System.getenv(REQUIRE_TOOLS);
        if (required != null && !required.isBlank() && !required.equals("0")) {
            fail(missing + ". " + REQUIRE_TOOLS + "=" + required + " says this machine must have it (.ci/run installs it).");
        }
        Assumptions.abort(missing + "; skipped (set " + REQUIRE_TOOLS + "=1 to make this a failure).");
        throw new AssertionError("unreachable");
    }

    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        List<String> directories = path == null ? List.of() : List.of(path.split(File.pathSeparator));
        return directories.stream().filter(directory -> !directory.isEmpty()).map(directory -> Path.of(directory, name))
                .filter(Files::isExecutable).findFirst();
    }

    /**
     * Runs {@code command} in {@code directory}, waiting at most {@code seconds}. Its output goes
     * through a file, so a chatty command never blocks on a full pipe.
     */
    static Run run(Path directory, long seconds, String... command) {
        try {
            Path output = Files.createTempFile("prometheus-tool", ".out");
            try {
                Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                        .redirectOutput(output.toFile()).start();
                process.getOutputStream().close();
                if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    fail(String.join(" ", command) + " did not finish within " + seconds + " s:\n" + Files.readString(output));
                }
                return new Run(List.of(command), process.exitValue(), Files.readString(output));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }
}
