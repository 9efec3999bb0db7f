package io.cachepipe.demo;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.devstack.DevStack;
import io.cachepipe.testsupport.PipelineSettings;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code cachepipe demo --schema my.sql --views my.yaml}: the demo on tables and views a user wrote,
 * here written by the test. The options are parsed as the command line parses them; the demo then
 * runs on the shared dev stack (in this class's namespace) instead of one of its own.
 */
@WithDevStack
class OwnSchemaDemoIT {
    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS books (
                id     bigint PRIMARY KEY,
                title  text NOT NULL,
                author text NOT NULL
            );
            INSERT INTO books VALUES (1, 'Dune', 'Frank Herbert'), (2, 'Emma', 'Jane Austen') ON CONFLICT DO NOTHING;
            """;
    private static final String VIEWS = """
            views:
              book:
                description: One book.
                key: book:{id}
                route: /books/{id}
                params:
                  id: {type: long, min: 1}
                sql: SELECT id, title, author FROM books WHERE id = :id
                result: row
                ttl: 10m
                sources:
                  - table: public.books
                    bind: {id: id}
            """;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void ownSchemaAndViews_areRunIntoTheDemoDatabase_andItsRouteServesTheRows_changesIncluded(DevStack stack, TestNamespace namespace)
            throws Exception {
        Path home = Path.of("target", "own-schema", namespace.name()).toAbsolutePath();
        Files.createDirectories(home);
        Path schema = Files.writeString(home.resolve("my.sql"), SCHEMA);
        Path views = Files.writeString(home.resolve("my.yaml"), VIEWS);
        Demo.Data data = parsed("--schema", schema.toString(), "--views", views.toString()).data();
        assertThat(data).isEqualTo(new Demo.OwnSchema(schema, views));

        Map<String, String> ownNamespace = PipelineSettings.of(stack, namespace, "unused");
        ownNamespace.remove("views.file"); // the demo names the views file itself, from --views
        var printed = new ByteArrayOutputStream();
        try (Demo demo = Demo.start(stack, new Demo.Options(home.resolve(".cachepipe"), data, 0, ownNamespace),
                new PrintStream(printed, true, StandardCharsets.UTF_8))) {
            demo.pipeline().awaitCaughtUp(Duration.ofSeconds(60));
            String api = "http://127.0.0.1:" + demo.pipeline().apiPort();
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Ran " + schema);
            assertThat(DemoBanner.own(stack, stack.kafka().bootstrapServers(), "redis-cli", (Demo.OwnSchema) data, demo.pipeline().catalog(), demo.pipeline().apiPort(),
                    demo.settingsFile(), 1000)).contains("GET  " + api + "/books/{id}").contains("view book: One book.");

            HttpResponse<String> dune = get(api + "/books/1");
            assertThat(dune.statusCode()).as(dune.body()).isEqualTo(200);
            assertThat(dune.body()).isEqualTo("{\"id\":1,\"title\":\"Dune\",\"author\":\"Frank Herbert\"}");
            assertThat(get(api + "/books/3").statusCode()).isEqualTo(404);

            namespace.jdbc().update("UPDATE books SET title = 'Dune Messiah' WHERE id = 1");
            await("the change to reach the cache").untilAsserted(() -> assertThat(get(api + "/books/1").body()).contains("Dune Messiah"));
        }
    }

    @Test
    void schemaWithoutViews_orAFileThatIsNotThere_isABadArgument(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path schema = Files.writeString(dir.resolve("my.sql"), SCHEMA);
        assertThat(run("--schema", schema.toString())).contains("--schema and --views go together");
        assertThat(run("--schema", schema.toString(), "--views", dir.resolve("missing.yaml").toString()))
                .contains("--views " + dir.resolve("missing.yaml") + ": no such readable file");
    }

    private static DemoCommand parsed(String... args) {
        var command = new DemoCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    /** Runs {@code cachepipe demo} with bad arguments: it answers exit 2 before starting any server. */
    private static String run(String... args) {
        var err = new StringWriter();
        int exit = DemoMain.commandLine().setErr(new PrintWriter(err, true)).execute(prepend("demo", args));
        assertThat(exit).as(err.toString()).isEqualTo(2);
        return err.toString();
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
