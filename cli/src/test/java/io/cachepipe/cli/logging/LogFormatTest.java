package io.cachepipe.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes' logback.xml, run in a child JVM as a process would run it: text by default, one JSON
 * object per line with {@code CACHEPIPE_LOG_FORMAT=json}, and text with a word on stderr for a typo.
 */
class LogFormatTest {
    /** Logs as a process does: a line, and a failure with its stack trace. */
    public static final class Sample {
        public static void main(String[] args) {
            Logger log = LoggerFactory.getLogger("io.cachepipe.warmer.Warmer");
            log.info("Warmer started: {} loaders", 4);
            log.warn("Slow load: view {} took {} ms", "product", 612, new IllegalStateException("boom"));
            LoggerFactory.getLogger("org.apache.kafka.clients.Metadata").info("library chatter below WARN is not logged");
        }
    }

    record Run(List<String> out, String err) {
    }

    @Test
    void json_isOneObjectPerLine_withLevelLoggerFormattedMessageAndThrowable() throws Exception {
        Run run = run("json");
        assertThat(run.out()).hasSize(2);
        JsonNode info = Json.mapper().readTree(run.out().get(0));
        assertThat(info.path("level").asText()).isEqualTo("INFO");
        assertThat(info.path("loggerName").asText()).isEqualTo("io.cachepipe.warmer.Warmer");
        assertThat(info.path("formattedMessage").asText()).isEqualTo("Warmer started: 4 loaders");
        assertThat(info.path("timestamp").asLong()).isPositive();
        JsonNode warn = Json.mapper().readTree(run.out().get(1));
        assertThat(warn.path("level").asText()).isEqualTo("WARN");
        assertThat(warn.path("formattedMessage").asText()).isEqualTo("Slow load: view product took 612 ms");
        assertThat(warn.path("throwable").path("className").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(warn.path("throwable").path("message").asText()).isEqualTo("boom");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void text_isTheDefault() throws Exception {
        Run run = run(null);
        assertThat(run.out()).first().asString().matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  i\\.c\\.warmer\\.Warmer - Warmer started: 4 loaders");
        assertThat(run.out()).anySatisfy(line -> assertThat(line).contains("java.lang.IllegalStateException: boom"));
        assertThat(String.join("\n", run.out())).doesNotContain("library chatter").doesNotStartWith("{");
    }

    @Test
    void aTypo_isSaidOnStderr_andLogsStillAppearAsText() throws Exception {
        Run run = run("jsno");
        assertThat(run.err()).contains("cachepipe: CACHEPIPE_LOG_FORMAT=jsno is not a log format (text or json): logging as text");
        assertThat(run.out()).first().asString().endsWith("Warmer started: 4 loaders");
    }

    private static Run run(String format) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=" + Path.of("target/classes/logback.xml").toAbsolutePath()));
        if (format != null) {
            command.add("-D" + LogFormat.VARIABLE + "=" + format);
        }
        command.add(Sample.class.getName());
        Process process = new ProcessBuilder(command).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the sample process ends").isTrue();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(out.lines().toList(), err.strip());
    }
}
