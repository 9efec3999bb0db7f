package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.store.postgres.PlanCheck;
import io.cachepipe.testsupport.PipelineSettings;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code cachepipe run} on a schema and a views file of the test's own (not the demo catalog), started
 * through the CLI's entry point with a settings file ({@code -c}): it answers reads from the cache and
 * follows an UPDATE made with plain SQL, then stops cleanly.
 */
@WithDevStack
class RunCommandIT {

    @Test
    void runsTheWholePipeline_onYourOwnSchemaAndViews_andFollowsAnUpdate(DevStack stack, TestNamespace namespace) throws Exception {
        Widgets.create(namespace.jdbc(), 2000);
        namespace.jdbc().execute("ANALYZE widgets");
        Path dir = Path.of("target", "run-it", namespace.name()).toAbsolutePath();
        Path views = Widgets.writeViews(dir, Widgets.VIEWS + """
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
        Path config = Widgets.writeSettings(dir, settings);

        var planWarnings = new ListAppender<ILoggingEvent>();
        planWarnings.start();
        Logger planCheck = (Logger) LoggerFactory.getLogger(PlanCheck.class);
        planCheck.addAppender(planWarnings);
        CliRun run = CliRun.start("run", config);
        try {
            String base = await().until(run::apiBase, found -> found != null);
            assertThat(planWarnings.list).extracting(ILoggingEvent::getFormattedMessage).as("the start-up plan check").singleElement()
                    .asString().startsWith("View 'widgets-named' reads every row of public.widgets (about 2,000 rows, Seq Scan with Filter: ");
            assertThat(CliRun.get(base + "widgets/7")).contains("\"name\":\"widget 7\"");
            await().untilAsserted(() -> assertThat(CliRun.cacheHeader(base + "widgets/7")).isIn("HIT", "NEAR"));

            namespace.jdbc().update("UPDATE widgets SET name = 'renamed' WHERE id = 7");
            await().untilAsserted(() -> assertThat(CliRun.get(base + "widgets/7")).contains("\"name\":\"renamed\""));
            assertThat(run.err()).contains("settings from " + config);
        } finally {
            planCheck.detachAppender(planWarnings);
            run.stop();
        }
        assertThat(run.exit()).as(run.err()).isZero();
    }
}
