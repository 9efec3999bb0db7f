package io.cachepipe.cdc;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The small steps of {@link CdcCapture}'s engine supervisor: its back-off, closing an engine, naming a failure. */
final class Supervision {
    private static final Logger log = LoggerFactory.getLogger(Supervision.class);
    /** How long a close asks again while Debezium refuses to stop a task that is still starting. */
    private static final Duration ENGINE_CLOSE_RETRY = Duration.ofSeconds(10);

    private Supervision() {
    }

    /**
     * Debezium refuses to stop an engine whose task is still starting ("Cannot stop engine while tasks are
     * starting"), which a close right after start meets; without a retry the engine ran on and the close
     * waited out the supervisor's 30 s.
     */
    static void closeEngine(AutoCloseable engine) {
        long deadline = System.nanoTime() + ENGINE_CLOSE_RETRY.toNanos();
        while (true) {
            try {
                engine.close();
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    log.warn("Closing the Debezium engine failed: {}", e.getMessage());
                    return;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The supervisor's back-off; false if interrupted. */
    static boolean pause(Duration backoff) {
        try {
            Thread.sleep(backoff.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

}
