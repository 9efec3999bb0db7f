package io.cachepipe.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One redis-server process bound to 127.0.0.1 with persistence off (so a restart empties it),
 * its pid file, log and any files it writes in one working directory. Ready = PING answers PONG.
 */
final class RedisProcess {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    static final String PID_FILE = "redis.pid";
    static final String LOG_FILE = "redis.log";

    private final Process process;
    private final int port;
    private final Path workDir;

    private RedisProcess(Process process, int port, Path workDir) {
        this.process = process;
        this.port = port;
        this.workDir = workDir;
    }

    /** @param extraArguments more {@code --name value} settings, such as cluster mode */
    static RedisProcess start(Path binary, Path workDir, int port, List<String> extraArguments) throws IOException {
        Files.createDirectories(workDir);
        StaleProcess.stopIfRunning(workDir.resolve(PID_FILE), binary.getFileName().toString());
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--port", Integer.toString(port),
                "--bind", Ports.LOOPBACK,
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "no",
                "--dir", workDir.toString(),
                "--pidfile", workDir.resolve(PID_FILE).toString()));
        command.addAll(extraArguments);
        return launch(workDir, port, command);
    }

    /**
     * The same binary as a Sentinel ({@code redis-server sentinel.conf --sentinel}) watching the master
     * on {@code masterPort} as {@code masterName}, alone in deciding (quorum 1), quick to notice a dead
     * master (2 s). Sentinel rewrites its file, so it is written fresh on every start.
     */
    static RedisProcess startSentinel(Path binary, Path workDir, int port, int masterPort, String masterName) throws IOException {
        Files.createDirectories(workDir);
        StaleProcess.stopIfRunning(workDir.resolve(PID_FILE), binary.getFileName().toString());
        Path config = workDir.resolve("sentinel.conf");
        Files.writeString(config, String.join("\n",
                "port " + port,
                "bind " + Ports.LOOPBACK,
                "daemonize no",
                "dir " + workDir,
                "pidfile " + workDir.resolve(PID_FILE),
                "sentinel monitor " + masterName + " " + Ports.LOOPBACK + " " + masterPort + " 1",
                "sentinel down-after-milliseconds " + masterName + " 2000",
                "sentinel failover-timeout " + masterName + " 10000",
                "sentinel parallel-syncs " + masterName + " 1",
                ""));
        return launch(workDir, port, List.of(binary.toString(), config.toString(), "--sentinel"));
    }

    private static RedisProcess launch(Path workDir, int port, List<String> command) throws IOException {
        Path log = workDir.resolve(LOG_FILE);
        Process process = exec(new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())));
        RedisProcess redis = new RedisProcess(process, port, workDir);
        try {
            Poll.until("Redis to answer PING on " + Ports.LOOPBACK + ":" + port, READY_TIMEOUT, redis::answersPing,
                    () -> process.isAlive() ? "" : "redis-server exited with code " + process.exitValue() + "; "
                            + LogFiles.tail(log, 10));
        } catch (DevStackException e) {
            redis.stop();
            throw e;
        }
        return redis;
    }

    /**
     * Starts the process, retrying briefly on "Text file busy" (ETXTBSY): a binary that was just
     * copied out can still be open for writing in a child that another thread of this JVM forked in
     * the meantime (PostgreSQL, another Redis), until that child execs. The race is Linux's, and lasts
     * milliseconds.
     */
    private static Process exec(ProcessBuilder builder) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return builder.start();
            } catch (IOException e) {
                if (attempt == 20 || e.getMessage() == null || !e.getMessage().contains("Text file busy")) {
                    throw e;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    int port() {
        return port;
    }

    Path workDir() {
        return workDir;
    }

    boolean answersPing() throws IOException {
        try (Resp resp = Resp.connect(Ports.LOOPBACK, port, Duration.ofSeconds(1))) {
            return "PONG".equals(resp.call("PING"));
        }
    }

    /** SIGKILL: the process dies at once, mid-command, as in a crash; what it had not replicated is lost. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGSTOP ({@code true}) or SIGCONT ({@code false}): a stopped server holds its connections open and
     * answers nothing, as one stalled by its host would, until continued.
     */
    void suspend(boolean stop) throws IOException {
        try {
            int exit = new ProcessBuilder("kill", stop ? "-STOP" : "-CONT", Long.toString(process.pid())).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IOException("kill " + (stop ? "-STOP " : "-CONT ") + process.pid() + " exited with " + exit);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while signalling Redis " + port, e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, which Redis answers with a clean shutdown (no save: persistence is off). */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
