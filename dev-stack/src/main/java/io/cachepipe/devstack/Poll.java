package io.cachepipe.devstack;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Waits for a server to answer: retries a probe until it succeeds or a deadline passes. */
final class Poll {
    private static final Duration INTERVAL = Duration.ofMillis(50);

    @FunctionalInterface
    interface Probe {
        /** True when ready; false or an exception means "not yet". */
        boolean ready() throws Exception;
    }

    @FunctionalInterface
    interface Liveness {
        /** Empty while the process being waited for lives, else why it is gone: no point waiting on. */
        String deathNotice();
    }

    private Poll() {
    }

    static void until(String what, Duration timeout, Probe probe) {
        until(what, timeout, probe, () -> "");
    }

    static void until(String what, Duration timeout, Probe probe, Liveness liveness) {
        long deadline = System.nanoTime() + timeout.toNanos();
        @Nullable Exception last = null;
        while (true) {
            try {
                if (probe.ready()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            String death = liveness.deathNotice();
            if (!death.isEmpty()) {
                throw new DevStackException(death, last);
            }
            if (System.nanoTime() > deadline) {
                throw new DevStackException("Timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + (last == null ? "" : "; last error: " + last), last);
            }
            try {
                Thread.sleep(INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DevStackException("Interrupted while waiting for " + what, e);
            }
        }
    }
}
