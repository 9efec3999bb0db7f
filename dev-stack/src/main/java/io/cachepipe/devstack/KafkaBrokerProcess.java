package io.cachepipe.devstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import org.apache.kafka.metadata.storage.Formatter;
import org.jspecify.annotations.Nullable;

/**
 * One Kafka node in a JVM of its own: {@code java -cp <this JVM's class path> kafka.Kafka server.properties},
 * with a small heap and a quick-starting JIT, so that three of them fit beside a test on two cores. Its
 * directory holds {@value #CONFIG_FILE}, the log dirs ({@code data/}), its output ({@value #LOG_FILE}) and
 * its pid ({@value #PID_FILE}); a restart runs the same command on the same ports and data.
 */
final class KafkaBrokerProcess {
    static final String CONFIG_FILE = "server.properties";
    static final String LOG_FILE = "kafka.log";
    static final String PID_FILE = "kafka.pid";
    /** What each node may cost: 256 MiB of heap, one GC thread, C1 only. */
    static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:-UsePerfData", "-Djava.awt.headless=true");

    private final int nodeId;
    private final int port;
    private final Path dir;
    private volatile @Nullable Process process;

    private KafkaBrokerProcess(int nodeId, int port, Path dir) {
        this.nodeId = nodeId;
        this.port = port;
        this.dir = dir;
    }

    /**
     * Writes the node's settings and formats its storage (as {@code kafka-storage.sh format} would) with
     * the cluster's id; starts nothing.
     */
    static KafkaBrokerProcess prepare(int nodeId, int port, Path dir, Properties settings, String clusterId) throws IOException {
        Files.createDirectories(dir);
        StaleProcess.stopIfRunning(dir.resolve(PID_FILE), "java");
        try (OutputStream out = Files.newOutputStream(dir.resolve(CONFIG_FILE))) {
            settings.store(out, "Kafka node " + nodeId + " of cachepipe's dev-stack cluster");
        }
        KafkaConfig config = KafkaConfig.fromProps(settings, false);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(output, true, StandardCharsets.UTF_8))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setControllerListenerName(KafkaBrokerConfig.CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setDirectories(config.logDirs())
                    .run();
        } catch (Exception e) {
            throw new DevStackException("Could not format the storage of Kafka node " + nodeId + " in " + dir + ": " + e.getMessage()
                    + " " + output.toString(StandardCharsets.UTF_8).strip(), e);
        }
        return new KafkaBrokerProcess(nodeId, port, dir);
    }

    int nodeId() {
        return nodeId;
    }

    String address() {
        return Ports.LOOPBACK + ":" + port;
    }

    Path log() {
        return dir.resolve(LOG_FILE);
    }

    boolean isAlive() {
        Process running = process;
        return running != null && running.isAlive();
    }

    /** Launches the JVM and returns at once; the cluster decides when the node counts as ready. */
    synchronized void launch() {
        if (isAlive()) {
            return;
        }
        Ports.requireFree(port, "Kafka node " + nodeId, () -> "Its port was picked when the cluster started and something"
                + " has taken it since: close the cluster and start a new one.");
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "kafka.Kafka", dir.resolve(CONFIG_FILE).toString()));
        try {
            Process started = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                    .start();
            process = started;
            Files.writeString(dir.resolve(PID_FILE), Long.toString(started.pid()));
        } catch (IOException e) {
            throw new DevStackException("Could not start Kafka node " + nodeId + ": " + e.getMessage(), e);
        }
    }

    /** True once the node's client listener takes connections. */
    boolean listens() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(Ports.LOOPBACK, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Empty while the JVM lives (or was never launched), else what it said before it died. */
    String deathNotice() {
        Process running = process;
        return running == null || running.isAlive() ? ""
                : "Kafka node " + nodeId + " exited with code " + running.exitValue() + "; " + LogFiles.tail(log(), 15);
    }

    /** SIGKILL, as a crashed machine: no controlled shutdown, nothing flushed. Waits until the JVM is gone. */
    synchronized void kill() {
        Process running = process;
        if (running != null) {
            running.destroyForcibly();
            waitFor(running, 30);
        }
    }

    /** SIGTERM (Kafka's controlled shutdown) for up to {@code seconds}, then SIGKILL. */
    synchronized void stop(int seconds) {
        Process running = process;
        if (running != null && running.isAlive()) {
            running.destroy();
            if (!waitFor(running, seconds)) {
                running.destroyForcibly();
                waitFor(running, 30);
            }
        }
    }

    private static boolean waitFor(Process process, int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
