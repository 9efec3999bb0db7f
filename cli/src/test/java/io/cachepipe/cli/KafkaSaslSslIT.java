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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
    private static final Duration FAIL_FAST = Duration.ofSeconds(60);
    private static SaslSslKafka kafka;

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
        Path config = Widgets.writeSettings(dir, settings(stack, namespace, dir, kafka.password()));

        CliRun run = CliRun.start("run", config);
        try {
            String base = await().atMost(Duration.ofSeconds(90)).until(
                    () -> run.apiBase() != null ? run.apiBase() : run.exit() != -1 ? "exited: " + run.err() : null, found -> found != null);
            assertThat(base).as(run.err()).startsWith("http://");
            assertThat(CliRun.get(base + "widgets/7")).contains("\"name\":\"widget 7\"");
            await().untilAsserted(() -> assertThat(CliRun.cacheHeader(base + "widgets/7")).isIn("HIT", "NEAR"));

            namespace.jdbc().update("UPDATE widgets SET name = 'renamed' WHERE id = 7");
            await().untilAsserted(() -> assertThat(CliRun.get(base + "widgets/7")).contains("\"name\":\"renamed\""));

            // The API's lag probe and the operator commands make Kafka clients of their own.
            await().untilAsserted(() -> assertThat(Json.mapper().readTree(CliRun.get(base + "cache/summary")).path("pipeline").path("known")
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
            run.stop();
        }
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(kafka.authentications().failed()).as("clients the SASL_SSL listener refused").isEqualTo(failedBefore);
        assertThat(kafka.authentications().successful()).isPositive();
    }

    @Test
    void aWrongPassword_stopsRunAndStatsAtOnce_namingTheSetting(DevStack stack, @TestNamespace.PerMethod TestNamespace namespace)
            throws Exception {
        Path dir = schemaAndViews(namespace);
        Path config = Widgets.writeSettings(dir, settings(stack, namespace, dir, "not-" + kafka.password()));

        long started = System.nanoTime();
        CliRun run = CliRun.start("run", config);
        try {
            await().atMost(FAIL_FAST).until(() -> run.exit() != -1);
        } finally {
            run.stop();
        }
        System.out.printf("cachepipe run with a wrong Kafka password exited %d after %d ms:%n%s%n", run.exit(),
                (System.nanoTime() - started) / 1_000_000, run.err());
        assertThat(run.exit()).as(run.err()).isNotZero();
        assertThat(run.err()).contains("kafka.properties.sasl.jaas.config").doesNotContain(kafka.password());
        assertThat(run.out()).doesNotContain("API on");

        started = System.nanoTime();
        Cli.Result stats = Cli.run(commandLine(dir), List.of("stats", "-c", config.toString()));
        System.out.printf("cachepipe stats with a wrong Kafka password exited %d after %d ms:%n%s%n", stats.exit(),
                (System.nanoTime() - started) / 1_000_000, stats.err());
        assertThat(stats.exit()).as(stats.text()).isNotZero();
        assertThat(stats.err()).contains("kafka.properties.sasl.jaas.config");
    }

    private static Path schemaAndViews(TestNamespace namespace) throws Exception {
        Widgets.create(namespace.jdbc(), 20);
        Path dir = Path.of("target", "sasl-ssl-it", namespace.name()).toAbsolutePath();
        Widgets.writeViews(dir, Widgets.VIEWS);
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

    /** The command line with settings from the file alone, whatever this JVM's environment says. */
    private static CommandLine commandLine(Path dir) {
        return CachepipeCommand.commandLine(new SettingsLookup(Map.of(), new Properties(), dir, CachepipeCommand.everySetting()));
    }
}
