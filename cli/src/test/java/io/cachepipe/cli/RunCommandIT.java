package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cachepipe.cli.ops.SettingsLookup;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.store.postgres.PlanCheck;
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
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code cachepipe run} on a schema and a views file of the test's own (not the demo catalog), started
 * through the CLI's entry point with a settings file ({@code -c}): it answers reads from the cache and
 * follows an UPDATE made with plain SQL, then stops cleanly.
 */
@WithDevStack
class RunCommandIT {
    private static final Pattern API = Pattern.compile("API on (http://\\S+/)");
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void runsTheWholePipeline_onYourOwnSchemaAndViews_andFollowsAnUpdate(DevStack stack, TestNamespace namespace) throws Exception {
        try (Connection connection = namespace.jdbc().connect(); Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE widgets (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT NULL)");
            sql.execute("INSERT INTO widgets SELECT g, 'widget ' || g, g * 1.5 FROM generate_series(1, 2000) g");
            sql.execute("ANALYZE widgets");
        }
        Path dir = Files.createDirectories(Path.of("target", "run-it", namespace.name()).toAbsolutePath());
        Path views = Files.writeString(dir.resolve("views.yaml"), """
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
                  widgets-named:
                    key: widgets-named:{name}
                    params:
                      name: {type: string}
                    sql: SELECT id, price FROM widgets WHERE name = :name
                    result: list
                    sources:
                      - table: public.widgets
                        bind: {name: name}
                """);
        Map<String, String> settings = PipelineSettings.of(stack, namespace, views.toString());
        settings.put("api.host", "127.0.0.1");
        settings.put("api.port", "0");
        settings.put("postgres.plan-check-rows", "1000"); // widgets has 2,000 rows: large for the plan check here
        settings.put("invalidator.state-dir", dir.resolve("streams").toString());
        StringBuilder yaml = new StringBuilder();
        settings.forEach((key, value) -> yaml.append(key).append(": '").append(value.replace("'", "''")).append("'\n"));
        Path config = Files.writeString(dir.resolve("cachepipe.yaml"), yaml);

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var commandLine = CachepipeCommand.commandLine(new SettingsLookup(Map.of(), new Properties(), dir,
                CachepipeCommand.everySetting()));
        commandLine.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        var planWarnings = new ListAppender<ILoggingEvent>();
        planWarnings.start();
        Logger planCheck = (Logger) LoggerFactory.getLogger(PlanCheck.class);
        planCheck.addAppender(planWarnings);
        AtomicInteger exit = new AtomicInteger(-1);
        Thread run = new Thread(() -> exit.set(commandLine.execute("run", "-c", config.toString())), "cachepipe-run-it");
        run.start();
        try {
            String base = await().until(() -> {
                Matcher api = API.matcher(out.toString());
                return api.find() ? api.group(1) : null;
            }, found -> found != null);

            assertThat(planWarnings.list).extracting(ILoggingEvent::getFormattedMessage).as("the start-up plan check").singleElement()
                    .asString().startsWith("View 'widgets-named' reads every row of public.widgets (about 2,000 rows, Seq Scan with Filter: ");
            assertThat(get(base + "widgets/7")).contains("\"name\":\"widget 7\"");
            await().untilAsserted(() -> assertThat(cacheHeader(base + "widgets/7")).isIn("HIT", "NEAR"));

            try (Connection connection = namespace.jdbc().connect(); Statement sql = connection.createStatement()) {
                sql.execute("UPDATE widgets SET name = 'renamed' WHERE id = 7");
            }
            await().untilAsserted(() -> assertThat(get(base + "widgets/7")).contains("\"name\":\"renamed\""));
            assertThat(err.toString()).contains("settings from " + config);
        } finally {
            planCheck.detachAppender(planWarnings);
            run.interrupt();
            run.join(60_000);
        }
        assertThat(exit.get()).as(err.toString()).isZero();
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
