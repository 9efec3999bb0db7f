package io.cachepipe.devstack;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A KRaft broker+controller inside this JVM, logs under {@code <dataDir>/kafka/logs}. Storage is
 * formatted once (as {@code kafka-storage.sh format} would); a restart builds a new
 * {@link KafkaRaftServer} on the same directories and ports, so topics and records survive.
 */
final class EmbeddedKafkaServer extends ServerLifecycle implements KafkaServer {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaServer.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path logDir;
    private final int port;
    private final int controllerPort;
    private final @Nullable BrokerListeners listeners;
    private volatile @Nullable KafkaRaftServer server;

    /** The dev stack's broker: one PLAINTEXT listener. */
    EmbeddedKafkaServer(Path root, int requestedPort) {
        this(root, requestedPort, null);
    }

    /** With {@code secured}, clients get only that SASL_SSL listener; else only a PLAINTEXT one. */
    EmbeddedKafkaServer(Path root, int requestedPort, @Nullable SaslSslListener secured) {
        this(secured == null ? "Kafka" : "Kafka (SASL_SSL)", root, requestedPort, secured);
    }

    /** With {@code listeners}, the broker's client listeners are theirs; else one PLAINTEXT listener. */
    EmbeddedKafkaServer(String name, Path root, int requestedPort, @Nullable BrokerListeners listeners) {
        super(name);
        this.logDir = root.resolve("logs");
        this.port = Ports.fixedOrFree(requestedPort);
        this.controllerPort = Ports.freePort();
        this.listeners = listeners;
    }

    @Override
    protected void startServer() throws Exception {
        Files.createDirectories(logDir);
        Ports.requireFree(port, "Kafka", "--kafka-port or " + DevStackOptions.Key.KAFKA_PORT.environmentVariable());
        Ports.requireFree(controllerPort, "Kafka's controller", () -> "Its port was picked at random when the stack"
                + " was created and something has taken it since: close the dev stack and start a new one.");
        KafkaConfig config = KafkaConfig.fromProps(listeners == null
                ? KafkaBrokerConfig.singleNode(logDir, port, controllerPort)
                : listeners.brokerProperties(logDir, port, controllerPort), false);
        formatUnlessFormatted(config);
        KafkaRaftServer starting = new KafkaRaftServer(config, Time.SYSTEM);
        server = starting;
        try {
            starting.startup();
        } catch (RuntimeException e) {
            throw new DevStackException("Kafka did not start on " + address() + " with logs in " + logDir + ": " + e.getMessage()
                    + ". If the logs are left over from a broken run, delete " + logDir.getParent() + ".", e);
        }
        Probes.awaitKafka(bootstrapServers(), listeners == null ? Map.of() : listeners.probeProperties(),
                READY_TIMEOUT);
    }

    /**
     * Formats only a fresh directory: the Formatter's "ignore formatted" mode still compares
     * cluster ids, and a new random one never matches the stored one.
     */
    private void formatUnlessFormatted(KafkaConfig config) throws Exception {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        new Formatter()
                .setPrintStream(new PrintStream(output, true, StandardCharsets.UTF_8))
                .setNodeId(config.nodeId())
                .setClusterId(Uuid.randomUuid().toString())
                .setControllerListenerName(KafkaBrokerConfig.CONTROLLER_LISTENER)
                .setMetadataLogDirectory(config.metadataLogDir())
                .setDirectories(config.logDirs())
                .run();
        LOG.debug("Kafka storage format: {}", output.toString(StandardCharsets.UTF_8).strip());
    }

    @Override
    protected void stopServer() {
        KafkaRaftServer running = server;
        if (running != null) {
            running.shutdown();
            running.awaitShutdown();
            server = null;
        }
    }

    @Override
    protected String address() {
        return bootstrapServers();
    }

    @Override
    public String bootstrapServers() {
        return Ports.LOOPBACK + ":" + port;
    }
}
