package io.cachepipe.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
 */
public final class PartProcess implements AutoCloseable {
    /** Heap and collector of a child: four of them share two cores and the test JVM. */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx384m", "-XX:+UseSerialGC");
    private static final long STOP_TIMEOUT_SECONDS = 30;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(STOP_TIMEOUT_SECONDS);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "cachepipe-part-processes-kill"));
    }

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final int readyPort;
    private final Path log;
    private final LongConsumer onStart;
    private volatile @Nullable Process process;
    private @Nullable OutputStream lifeline;
    /** Sent SIGSTOP and not yet SIGCONT. */
    private boolean frozen;

    private PartProcess(Builder builder) {
        this.name = builder.name;
        this.environment = Map.copyOf(builder.environment);
        this.readyPort = builder.readyPort;
        this.log = builder.logDirectory.resolve(builder.name + ".log").toAbsolutePath();
        this.onStart = builder.onStart;
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(builder.jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildGuard.class.getName());
        command.add(builder.mainClass);
        command.addAll(builder.arguments);
        this.command = List.copyOf(command);
    }

    /** A child JVM running {@code mainClass} (a fully qualified class name). */
    public static Builder builder(String mainClass) {
        return new Builder(mainClass);
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
        Process previous = process;
        if (previous != null && previous.isAlive()) {
            throw new IllegalStateException(name + " is running (pid " + previous.pid() + ")");
        }
        try {
            Files.createDirectories(log.getParent());
            quietlyClose(lifeline);
            String shown = String.join(" ", command).replace(System.getProperty("java.class.path"), "<this JVM's class path>");
            Files.writeString(log, "---- " + Instant.now() + " starting " + name + ": " + shown + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            var builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().keySet().removeIf(key -> key.startsWith("CACHEPIPE_") || key.equals("CACHE_ENABLED"));
            builder.environment().putAll(environment);
            Process started = builder.start();
            LIVE.add(started);
            process = started;
            lifeline = started.getOutputStream();
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
                    + log + " ends:\n" + logTail(), e);
        }
    }

    /** One probe of {@code /health/ready}. */
    public boolean isReady() {
        return isAlive() && probe();
    }

    private boolean ready() {
        Process current = process;
        if (current == null || !current.isAlive()) {
            throw new IllegalStateException(name + " exited" + (current == null ? "" : " with " + current.exitValue())
                    + " before it was ready; its log " + log + " ends:\n" + logTail());
        }
        return probe();
    }

    private boolean probe() {
        try {
            var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + readyPort + "/health/ready"))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL, then waits until the process is gone. Nothing of the part's own runs. */
    public synchronized void kill() {
        Process current = process;
        if (current == null) {
            return;
        }
        current.destroyForcibly();
        frozen = false;
        awaitExit(current, STOP_TIMEOUT);
    }

    /**
     * SIGSTOP: the process keeps its memory, connections and compiled code but runs nothing (its
     * group memberships lapse after their session timeout). For measuring a warm process on work
     * that piled up while it was frozen; {@link #thaw()} resumes it.
     */
    public synchronized void freeze() {
        signal("STOP");
        frozen = true;
    }

    /** SIGCONT after {@link #freeze()}. */
    public synchronized void thaw() {
        if (frozen) {
            signal("CONT");
            frozen = false;
        }
    }

    private void signal(String signal) {
        long pid = pid();
        try {
            int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " (" + name + ") exited with " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot signal " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted signalling " + name, e);
        }
    }

    /**
     * SIGTERM, so the part's shutdown hook closes it cleanly, and waits for it to exit; after
     * {@value #STOP_TIMEOUT_SECONDS} s it is killed.
     *
     * @return the exit code (143 after SIGTERM for a JVM), or -1 if it had to be killed
     */
    public synchronized int stop() {
        Process current = process;
        if (current == null) {
            return 0;
        }
        thaw(); // a stopped process would not act on SIGTERM
        current.destroy();
        try {
            if (current.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                forget(current);
                return current.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        current.destroyForcibly();
        awaitExit(current, STOP_TIMEOUT);
        return -1;
    }

    private void awaitExit(Process current, Duration timeout) {
        try {
            if (!current.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " (pid " + current.pid() + ") did not exit within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + name + " to exit", e);
        } finally {
            forget(current);
        }
    }

    private void forget(Process exited) {
        LIVE.remove(exited);
        quietlyClose(lifeline);
    }

    public boolean isAlive() {
        Process current = process;
        return current != null && current.isAlive();
    }

    /** The running (or last) process's id. */
    public long pid() {
        Process current = process;
        if (current == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return current.pid();
    }

    public String name() {
        return name;
    }

    public int readyPort() {
        return readyPort;
    }

    /** The log file every run of this part appends to. */
    public Path log() {
        return log;
    }

    /** The last lines of the log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
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
        Process current = process;
        return name + (current == null ? " (not started)" : " (pid " + current.pid() + (current.isAlive() ? ")" : ", exited)"));
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static void quietlyClose(@Nullable OutputStream stream) {
        if (stream == null) {
            return;
        }
        try {
            stream.close();
        } catch (IOException ignored) {
            // the child is gone; its end of the pipe with it
        }
    }

    /** How to run a part; {@link #start()} launches it. */
    public static final class Builder {
        private final String mainClass;
        private String name;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> arguments = new ArrayList<>();
        private List<String> jvmOptions = DEFAULT_JVM_OPTIONS;
        private int readyPort;
        private Path logDirectory = Path.of("target", "parts");
        private LongConsumer onStart = pid -> { };

        private Builder(String mainClass) {
            this.mainClass = mainClass;
            this.name = mainClass.substring(mainClass.lastIndexOf('.') + 1);
        }

        /** Names the log file and appears in messages; the main class's simple name by default. Keep it unique. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Adds environment variables, such as {@code CACHEPIPE_POSTGRES_URL}. */
        public Builder environment(Map<String, String> variables) {
            environment.putAll(variables);
            return this;
        }

        public Builder environment(String variable, String value) {
            environment.put(variable, value);
            return this;
        }

        /** The port whose {@code /health/ready} {@link #awaitReady} polls: the admin port, or the API port of ApiMain. */
        public Builder readyPort(int port) {
            this.readyPort = port;
            return this;
        }

        /** Replaces {@link #DEFAULT_JVM_OPTIONS}. */
        public Builder jvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        public Builder arguments(List<String> arguments) {
            this.arguments.addAll(arguments);
            return this;
        }

        /** Where {@code <name>.log} goes; {@code target/parts} by default. */
        public Builder logDirectory(Path directory) {
            this.logDirectory = directory;
            return this;
        }

        /** Called with the process id on every start, restarts included: to put the process in a cgroup, say. */
        public Builder onStart(LongConsumer action) {
            this.onStart = action;
            return this;
        }

        /** The process, not started yet: for a caller that starts several in its own order. */
        public PartProcess build() {
            return new PartProcess(this);
        }

        /** Launches the process; see {@link PartProcess#start()}. */
        public PartProcess start() {
            return build().start();
        }
    }
}
