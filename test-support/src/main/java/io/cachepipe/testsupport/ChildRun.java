package io.cachepipe.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of a {@link PartProcess}: the child process, and the pipe to its standard input whose end
 * {@link ChildGuard} watches. Ending the run, by SIGKILL or SIGTERM, waits for the process to exit,
 * then closes the pipe and forgets the process ({@link ChildProcesses#forget}).
 */
final class ChildRun {
    private final String name;
    private final Process process;
    private final OutputStream lifeline;
    /** Sent SIGSTOP and not yet SIGCONT. */
    private boolean frozen;

    private ChildRun(String name, Process process) {
        this.name = name;
        this.process = process;
        this.lifeline = process.getOutputStream();
    }

    /** Launches {@code command}; see {@link ChildProcesses#launch}. {@code name} is the part's, for messages. */
    static ChildRun launch(String name, List<String> command, Map<String, String> environment, Path log) throws IOException {
        return new ChildRun(name, ChildProcesses.launch(command, environment, log));
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit status; only once the process has exited. */
    int exitValue() {
        return process.exitValue();
    }

    /** SIGKILL, then waits until the process is gone. */
    void kill(Duration timeout) {
        process.destroyForcibly();
        frozen = false;
        awaitExit(timeout);
    }

    /** SIGSTOP: the process keeps everything but runs nothing until {@link #thaw()}. */
    void freeze() {
        ChildProcesses.signal(process.pid(), "STOP", name);
        frozen = true;
    }

    /** SIGCONT, if frozen. */
    void thaw() {
        if (frozen) {
            ChildProcesses.signal(process.pid(), "CONT", name);
            frozen = false;
        }
    }

    /**
     * SIGTERM (after SIGCONT if frozen), and waits for the process to exit; after {@code timeout} it is killed.
     *
     * @return the exit code, or -1 if it had to be killed
     */
    int stop(Duration timeout) {
        thaw(); // a stopped process would not act on SIGTERM
        process.destroy();
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                forget();
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill(timeout);
        return -1;
    }

    /** Closes this JVM's end of the pipe, whether or not the process still runs. */
    void closeLifeline() {
        try {
            lifeline.close();
        } catch (IOException ignored) {
            // the child is gone; its end of the pipe with it
        }
    }

    private void awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " (pid " + process.pid() + ") did not exit within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + name + " to exit", e);
        } finally {
            forget();
        }
    }

    private void forget() {
        ChildProcesses.forget(process);
        closeLifeline();
    }
}
