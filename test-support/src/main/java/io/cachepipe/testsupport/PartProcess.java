package io.cachepipe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One cachepipe process ({@code CdcCaptureMain}, {@code InvalidatorMain}, {@code WarmerMain},
 * {@code ApiMain}, or any class with a {@code main}) run as a child JVM, so that a test can kill it
 * the way an operating system or an orchestrator does: {@link #kill()} is SIGKILL (no shutdown hook,
 * no flush, no offset commit), {@link #stop()} is SIGTERM (the part's own shutdown hook runs).
 *
 * <pre>{@code
 * int admin = PartProcess.freePort();
 * try (PartProcess invalidator = PartProcess.builder("io.cachepipe.invalidator.InvalidatorMain")
 *         .name("invalidator-1")
 *         .environment(env)                                    // CACHEPIPE_* as in docs/configuration.md
 *         .environment("CACHEPIPE_INVALIDATOR_ADMIN_PORT", Integer.toString(admin))
 *         .readyPort(admin)                                    // the admin port, or the API port for ApiMain
 *         .start()) {
 *     invalidator.awaitReady(Duration.ofSeconds(60));
 *     invalidator.kill();
 *     invalidator.start();                                     // the same command again, same log
 *     invalidator.awaitReady(Duration.ofSeconds(60));
 * }
 * }</pre>
 *
 * <p>The child runs on this JVM's java binary and class path, so the main class is named by a
 * string: test-support cannot depend on the modules whose mains it starts. Its environment is this
 * process's minus every {@code CACHEPIPE_*} and {@code CACHE_ENABLED} variable, plus the given map,
 * so what configures it is exactly what the test says. Its output goes to a log file (by default
 * {@code target/parts/<name>.log}; restarts append to it).
 *
 * <p>A child outlives a parent that is killed, and would keep ports, replication slots and a core
 * busy on a shared CI machine. So the child runs under {@link ChildGuard}, which halts it as soon as
 * its standard input (a pipe from this JVM) reaches end of file, which the kernel makes happen when
 * this JVM dies for any reason; {@link #close()} and a shutdown hook cover the ordinary exits.
 *
 * <p>This class keeps one part and its runs; {@link PartProcessBuilder} says how to run it,
 * {@link ChildProcesses} launches and signals the operating-system process, {@link ChildRun} is one
 * run of it (the process and its lifeline), {@link ReadyProbe} asks whether it is ready, and
 * {@link PartLog} keeps its log.
 */
public final class PartProcess implements AutoCloseable {
    /** Heap and collector of a child: four of them share two cores and the test JVM. */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx384m", "-XX:+UseSerialGC");
    private static final long STOP_TIMEOUT_SECONDS = 30;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(STOP_TIMEOUT_SECONDS);
    private static final Duration POLL = Duration.ofMillis(50);

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final int readyPort;
    private final ReadyProbe probe;
    private final PartLog log;
    private final LongConsumer onStart;
    private volatile @Nullable ChildRun run;

    PartProcess(String name, List<String> command, Map<String, String> environment, int readyPort, Path log, LongConsumer onStart) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.readyPort = readyPort;
        this.probe = new ReadyProbe(readyPort);
        this.log = new PartLog(log);
        this.onStart = onStart;
    }

    /** A child JVM running {@code mainClass} (a fully qualified class name). */
    public static PartProcessBuilder builder(String mainClass) {
        return new PartProcessBuilder(mainClass);
    }

    /** A port free on the loopback interface right now, for a child's admin or API port. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /**
     * Starts the process (again, after {@link #kill()} or {@link #stop()}), with the same command,
     * environment and log file. Does not wait for it to be ready: see {@link #awaitReady}.
     *
     * @throws IllegalStateException if it is running
     */
    public synchronized PartProcess start() {
        ChildRun previous = run;
        if (previous != null && previous.isAlive()) {
            throw new IllegalStateException(name + " is running (pid " + previous.pid() + ")");
        }
        try {
            if (previous != null) {
                previous.closeLifeline();
            }
            log.starting(name, command);
            ChildRun started = ChildRun.launch(name, command, environment, log.file());
            run = started;
            onStart.accept(started.pid());
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + command.getFirst() + "): " + e.getMessage(), e);
        }
    }

    /**
     * Waits until {@code GET http://127.0.0.1:<readyPort>/health/ready} answers 200.
     *
     * @throws IllegalStateException if the process exits first or is not ready in time; the message
     *                               carries the end of its log
     */
    public PartProcess awaitReady(Duration timeout) {
        if (readyPort <= 0) {
            throw new IllegalStateException(name + " has no ready port: set one on the builder");
        }
        try {
            Awaitility.await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL).until(this::ready);
            return this;
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(name + " not ready on port " + readyPort + " within " + timeout + "; its log "
                    + log.file() + " ends:\n" + logTail(), e);
        }
    }

    /** One probe of {@code /health/ready}. */
    public boolean isReady() {
        return isAlive() && probe.ready();
    }

    private boolean ready() {
        ChildRun current = run;
        if (current == null || !current.isAlive()) {
            throw new IllegalStateException(name + " exited" + (current == null ? "" : " with " + current.exitValue())
                    + " before it was ready; its log " + log.file() + " ends:\n" + logTail());
        }
        return probe.ready();
    }

    /** SIGKILL, then waits until the process is gone. Nothing of the part's own runs. */
    public synchronized void kill() {
        ChildRun current = run;
        if (current != null) {
            current.kill(STOP_TIMEOUT);
        }
    }

    /**
     * SIGSTOP: the process keeps its memory, connections and compiled code but runs nothing (its
     * group memberships lapse after their session timeout). For measuring a warm process on work
     * that piled up while it was frozen; {@link #thaw()} resumes it.
     */
    public synchronized void freeze() {
        started().freeze();
    }

    /** SIGCONT after {@link #freeze()}. */
    public synchronized void thaw() {
        ChildRun current = run;
        if (current != null) {
            current.thaw();
        }
    }

    /**
     * SIGTERM, so the part's shutdown hook closes it cleanly, and waits for it to exit; after
     * {@value #STOP_TIMEOUT_SECONDS} s it is killed.
     *
     * @return the exit code (143 after SIGTERM for a JVM), or -1 if it had to be killed
     */
    public synchronized int stop() {
        ChildRun current = run;
        return current == null ? 0 : current.stop(STOP_TIMEOUT);
    }

    public boolean isAlive() {
        ChildRun current = run;
        return current != null && current.isAlive();
    }

    /** The running (or last) process's id. */
    public long pid() {
        return started().pid();
    }

    public String name() {
        return name;
    }

    public int readyPort() {
        return readyPort;
    }

    /** The log file every run of this part appends to. */
    public Path log() {
        return log.file();
    }

    /** The last lines of the log, for failure messages. */
    public String logTail() {
        return log.tail();
    }

    private ChildRun started() {
        ChildRun current = run;
        if (current == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return current;
    }

    /** {@link #stop()} if running. */
    @Override
    public void close() {
        if (isAlive()) {
            stop();
        }
    }

    @Override
    public String toString() {
        ChildRun current = run;
        return name + (current == null ? " (not started)" : " (pid " + current.pid() + (current.isAlive() ? ")" : ", exited)"));
    }
}
