package io.cachepipe.cli.ops;

import io.cachepipe.cli.pipeline.Pipeline;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

/**
 * {@code cachepipe run}: cdc-capture, the invalidator, the warmer and the API in this JVM, against the
 * servers and the views file its settings name (typically {@code -c cachepipe.yaml}), until it is
 * stopped: Ctrl-C or SIGTERM stop the parts in order and exit 0. For a small deployment, or a first
 * try on one's own data; the four parts as separate processes scale out (docs/scaling.md).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the whole pipeline (cdc-capture, invalidator, warmer, API) in this JVM against your servers and "
                + "views file, until stopped (Ctrl-C): for a small deployment or a first try on your own data.")
public final class RunCommand extends OpsCommand {

    @Override
    int run() throws Exception {
        Pipeline.Config config = Pipeline.Config.read(settings());
        Pipeline pipeline = Pipeline.start(config);
        var stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            pipeline.close();
            stopped.countDown();
        }, "cachepipe-run-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        out().printf("cachepipe run: %d views, API on http://%s:%d/ (metrics on /metrics, summary on /cache/summary); "
                        + "Ctrl-C stops it%n", pipeline.catalog().views().size(), config.api().host(), pipeline.apiPort());
        out().println("Operator commands take the same settings: cachepipe stats, audit, ... with the same -c or CACHEPIPE_* settings.");
        out().flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            // Stopped from within this JVM (a test): stop the parts here rather than in the hook.
            Runtime.getRuntime().removeShutdownHook(hook);
            pipeline.close();
            Thread.currentThread().interrupt();
        }
        return DONE;
    }
}
