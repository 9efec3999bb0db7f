package io.cachepipe.demo;

import static io.cachepipe.testsupport.Await.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachepipe.testsupport.PartProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Prometheus server for a test: the {@code prometheus} binary on a free port, its data in
 * {@code directory}, scraping {@code targets} every second and evaluating {@code ruleFiles} every
 * second. {@link #close()} stops it and every process it started.
 */
final class PrometheusServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Process process;
    private final String url;
    private final Path log;

    private PrometheusServer(Process process, String url, Path log) {
        this.process = process;
        this.url = url;
        this.log = log;
    }

    /** Starts Prometheus and waits until it answers ready; {@code job} names the scrape job of every target. */
    static PrometheusServer start(Path binary, Path directory, String job, List<String> targets, List<Path> ruleFiles)
            throws IOException {
        Files.createDirectories(directory);
        Path config = directory.resolve("prometheus.yml");
        Files.writeString(config, config(job, targets, ruleFiles));
        int port = PartProcess.freePort();
        Path log = directory.resolve("prometheus.log");
        Process process = new ProcessBuilder(binary.toString(), "--config.file=" + config.toAbsolutePath(),
                "--storage.tsdb.path=" + directory.resolve("data").toAbsolutePath(),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        var server = new PrometheusServer(process, "http://127.0.0.1:" + port, log);
        try {
            await("Prometheus on port " + port + " to be ready (its log: " + log + ")").ignoreExceptions()
                    .atMost(Duration.ofSeconds(30)).until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("Prometheus exited with " + process.exitValue() + ":\n" + Files.readString(log));
                        }
                        return server.status("/-/ready") == 200;
                    });
            return server;
        } catch (RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
    }

    static String config(String job, List<String> targets, List<Path> ruleFiles) {
        String rules = ruleFiles.stream().map(file -> "  - " + quoted(file.toAbsolutePath().normalize().toString()))
                .collect(Collectors.joining("\n"));
        String addresses = targets.stream().map(PrometheusServer::quoted).collect(Collectors.joining(", "));
        return """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                rule_files:
                %s
                scrape_configs:
                  - job_name: %s
                    metrics_path: /metrics
                    static_configs:
                      - targets: [%s]
                """.formatted(rules, quoted(job), addresses);
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** {@code GET /api/v1/<path>}'s {@code data}, failing on any answer but a success. */
    JsonNode api(String path) {
        HttpResponse<String> response = get("/api/v1/" + path);
        JsonNode body = parse(response.body());
        if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new AssertionError("Prometheus answered " + response.statusCode() + " to " + path + ": " + response.body());
        }
        return body.path("data");
    }

    /** An instant query; the answer as Prometheus gives it ({@code status}, {@code data} or {@code error}). */
    JsonNode query(String expression) {
        return parse(get("/api/v1/query?query=" + URLEncoder.encode(expression, StandardCharsets.UTF_8)).body());
    }

    private int status(String path) {
        return get(path).statusCode();
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("Prometheus at " + url + " did not answer " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + body, e);
        }
    }

    Path log() {
        return log;
    }

    /** Stops Prometheus and whatever it started: SIGTERM, then SIGKILL after 10 s. */
    @Override
    public void close() {
        List<ProcessHandle> tree = process.descendants().toList();
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
    }
}
