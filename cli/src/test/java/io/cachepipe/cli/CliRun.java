package io.cachepipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.cli.ops.SettingsLookup;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code cachepipe <command> -c <config>} through the CLI's entry point on a thread of its own, as
 * RunCommandIT runs it: what it prints, and its exit code once it ends.
 */
final class CliRun {
    private static final Pattern API = Pattern.compile("API on (http://\\S+/)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Thread thread;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final AtomicInteger exit = new AtomicInteger(-1);

    private CliRun(String command, Path config) {
        var commandLine = CachepipeCommand.commandLine(new SettingsLookup(Map.of(), new Properties(), config.getParent(),
                CachepipeCommand.everySetting()));
        commandLine.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        thread = new Thread(() -> exit.set(commandLine.execute(command, "-c", config.toString())), "cachepipe-" + command + "-it");
    }

    static CliRun start(String command, Path config) {
        var run = new CliRun(command, config);
        run.thread.start();
        return run;
    }

    /**
     * The API's base address once {@code cachepipe run} printed it, else null; fails at once, with what the
     * command printed, if it ended without printing it (rather than leave the caller to wait out its timeout).
     */
    @Nullable String apiBase() {
        boolean ended = !thread.isAlive();
        Matcher api = API.matcher(out.toString());
        if (api.find()) {
            return api.group(1);
        }
        if (ended) {
            throw new AssertionError("cachepipe ended without serving (exit " + exit.get() + "):\n" + out + err);
        }
        return null;
    }

    boolean finishesWithin(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        return !thread.isAlive();
    }

    /** Interrupting {@code cachepipe run} stops the pipeline and lets it return its exit code, as Ctrl-C would. */
    void stop() throws InterruptedException {
        thread.interrupt();
        thread.join(Duration.ofMinutes(1).toMillis());
    }

    /** GETs {@code url} of the API it serves, asserting a 200, and answers the body. */
    static String get(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    /** The X-Cache header of a GET of {@code url} (empty when there is none). */
    static String cacheHeader(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .headers().firstValue("X-Cache").orElse("");
    }

    /** -1 while it runs. */
    int exit() {
        return exit.get();
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }
}
