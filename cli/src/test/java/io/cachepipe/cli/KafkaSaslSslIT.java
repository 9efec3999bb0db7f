package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.cli.ops.SettingsLookup;
import io.cachepipe.core.json.Json;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.devstack.SaslSslKafka;
import io.cachepipe.testsupport.PipelineSettings;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code cachepipe run -c} against a Kafka broker that accepts only SASL_SSL ({@link SaslSslKafka}: SASL/PLAIN
 * inside TLS, a CA made for the test, the default host name check), configured the way docs/deploy.md shows for
 * a managed Kafka: {@code kafka.properties.security.protocol}, {@code sasl.*} and {@code ssl.truststore.*}. The
 * broker has no PLAINTEXT listener for clients, so a client that missed {@code kafka.properties.*} would not get
 * in, and the broker would count a failed authentication: the tests check it counted none. With a wrong password,
 * {@code run} and {@code stats} stop at once with a message that names the setting.
 */
@WithDevStack
class KafkaSaslSslIT {
    private static final Pattern API = Pattern.compile("API on (http://\\S+/)");
    private static final Duration FAIL_FAST = Duration.ofSeconds(60);
    private static SaslSslKafka kafka;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startBroker() {
        kafka = SaslSslKafka.start(Path.of("target", "sasl-ssl-kafka", Long.toString(System.currentTimeMillis())));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void runsThePipeline_throughASaslSslOnlyBroker_andFollowsAnUpdate(DevStack stack, @TestNamespace.PerMethod TestNamespace namespace)
            throws Exception {
        long failedBefore = kafka.authentications().failed();
        Path dir = schemaAndViews(namespace);
        Path config = settingsFile(dir, settings(stack, namespace, dir, kafka.password()));

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = commandLine(dir).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread run = new Thread(() -> exit.set(commandLine.execute("run", "-c", config.toString())), "cachepipe-run-sasl-ssl-it");
        run.start();
        try {
            String base = await().atMost(Duration.ofSeconds(90)).until(() -> {
                Matcher api = API.matcher(out.toString());
                return api.find() ? api.group(1) : exit.get() != -1 ? "exited: " + err : null;
            }, found -> found != null);
            assertThat(base).as(err.toString()).startsWith("http://");
            assertThat(get(base + "widgets/7")).contains("\"name\":\"widget 7\"");
            await().untilAsserted(() -> assertThat(cacheHeader(base + "widgets/7")).isIn("HIT", "NEAR"));

            try (Connection connection = namespace.jdbc().connect(); Statement sql = connection.createStatement()) {
                sql.execute("UPDATE widgets SET name = 'renamed' WHERE id = 7");
            }
            await().untilAsserted(() -> assertThat(get(base + "widgets/7")).contains("\"name\":\"renamed\""));

            // The API's lag probe and the operator commands make Kafka clients of their own.
            await().untilAsserted(() -> assertThat(Json.mapper().readTree(get(base + "cache/summary")).path("pipeline").path("known")
                    .asBoolean()).as("the summary's lag probe read Kafka").isTrue());
            Cli.Result stats = Cli.run(commandLine(dir), List.of("stats", "-c", config.toString(), "--api-url", base,
                    "--metrics-url", base + "metrics"));
            assertThat(stats.exit()).as(stats.text()).isZero();
            assertThat(stats.out()).containsPattern("invalidator +\\S+ +\\d+\\n");
            Cli.Result replay = Cli.run(commandLine(dir), List.of("replay", "-c", config.toString(), "--from-beginning", "--dry-run"));
            assertThat(replay.exit()).as(replay.text()).isZero();
            assertThat(replay.out()).contains("dry run: nothing moved");
            Cli.Result rebuild = Cli.run(commandLine(dir), List.of("rebuild", "-c", config.toString(), "--progress", "none"));
            assertThat(rebuild.exit()).as(rebuild.text()).isZero();
        } finally {
            run.interrupt();
            run.join(60_000);
        }
        assertThat(exit.get()).as(err.toString()).isZero();
        assertThat(kafka.authentications().failed()).as("clients the SASL_SSL listener refused").isEqualTo(failedBefore);
        assertThat(kafka.authentications().successful()).isPositive();
    }

    @Test
    void aWrongPassword_stopsRunAndStatsAtOnce_namingTheSetting(DevStack stack, @TestNamespace.PerMethod TestNamespace namespace)
            throws Exception {
        Path dir = schemaAndViews(namespace);
        Path config = settingsFile(dir, settings(stack, namespace, dir, "not-" + kafka.password()));

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = commandLine(dir).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        AtomicInteger exit = new AtomicInteger(-1);
        long started = System.nanoTime();
        Thread run = new Thread(() -> exit.set(commandLine.execute("run", "-c", config.toString())), "cachepipe-run-wrong-password-it");
        run.start();
        try {
            await().atMost(FAIL_FAST).until(() -> exit.get() != -1);
        } finally {
            run.interrupt();
            run.join(60_000);
        }
        System.out.printf("cachepipe run with a wrong Kafka password exited %d after %d ms:%n%s%n", exit.get(),
                (System.nanoTime() - started) / 1_000_000, err);
        assertThat(exit.get()).as(err.toString()).isNotZero();
        assertThat(err.toString()).contains("kafka.properties.sasl.jaas.config").doesNotContain(kafka.password());
        assertThat(out.toString()).doesNotContain("API on");

        started = System.nanoTime();
        Cli.Result stats = Cli.run(commandLine(dir), List.of("stats", "-c", config.toString()));
        System.out.printf("cachepipe stats with a wrong Kafka password exited %d after %d ms:%n%s%n", stats.exit(),
                (System.nanoTime() - started) / 1_000_000, stats.err());
        assertThat(stats.exit()).as(stats.text()).isNotZero();
        assertThat(stats.err()).contains("kafka.properties.sasl.jaas.config");
    }

    private static Path schemaAndViews(TestNamespace namespace) throws Exception {
        try (Connection connection = namespace.jdbc().connect(); Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE widgets (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT NULL)");
            sql.execute("INSERT INTO widgets SELECT g, 'widget ' || g, g * 1.5 FROM generate_series(1, 20) g");
        }
        Path dir = Files.createDirectories(Path.of("target", "sasl-ssl-it", namespace.name()).toAbsolutePath());
        Files.writeString(dir.resolve("views.yaml"), """
                views:
                  widget:
                    key: widget:{id}
                    route: /widgets/{id}
                    params:
                      id: {type: long, min: 1}
                    sql: SELECT id, name, price FROM widgets WHERE id = :id
                    result: row
                    ttl: 10m
                    sources:
                      - table: public.widgets
                        bind: {id: id}
                """);
        return dir;
    }

    /** The usual test settings, with Kafka reached only through the SASL_SSL listener. */
    private static Map<String, String> settings(DevStack stack, TestNamespace namespace, Path dir, String password) {
        Map<String, String> settings = PipelineSettings.of(stack, namespace, dir.resolve("views.yaml").toString());
        settings.put("kafka.bootstrap", kafka.bootstrapServers());
        kafka.clientPropertiesWithPassword(password).forEach((key, value) -> settings.put("kafka.properties." + key, value));
        settings.put("api.host", "127.0.0.1");
        settings.put("api.port", "0");
        settings.put("invalidator.state-dir", dir.resolve("streams").toString());
        return settings;
    }

    private static Path settingsFile(Path dir, Map<String, String> settings) throws Exception {
        StringBuilder yaml = new StringBuilder();
        settings.forEach((key, value) -> yaml.append(key).append(": '").append(value.replace("'", "''")).append("'\n"));
        return Files.writeString(dir.resolve("cachepipe.yaml"), yaml);
    }

    /** The command line with settings from the file alone, whatever this JVM's environment says. */
    private static CommandLine commandLine(Path dir) {
        return CachepipeCommand.commandLine(new SettingsLookup(Map.of(), new Properties(), dir, CachepipeCommand.everySetting()));
    }

    private String get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private String cacheHeader(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .headers().firstValue("X-Cache").orElse("");
    }
}
