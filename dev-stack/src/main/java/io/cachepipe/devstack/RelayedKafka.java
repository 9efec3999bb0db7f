package io.cachepipe.devstack;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;

/**
 * A KRaft broker in this JVM that some clients reach through relays, for tests that put a fault-injecting
 * TCP proxy between one process and Kafka. A Kafka client only bootstraps at the address it is given;
 * then it connects to the address the broker advertises, which would bypass a proxy. So besides its
 * PLAINTEXT listener ({@link #bootstrapServers()}, for every other client) the broker has one listener per
 * relay port: it listens on {@link #relayTarget(int)} and advertises the relay port. A proxy from the relay
 * port to the relay target carries all of a client's traffic once the client bootstraps at
 * {@link #relayBootstrap(int)}. The dev stack's own broker is not affected.
 *
 * <pre>{@code
 * int relayPort = PartProcess.freePort();
 * try (RelayedKafka kafka = RelayedKafka.start(Path.of("target/relayed-kafka"), List.of(relayPort));
 *      FaultProxy proxy = FaultProxy.start("kafka", relayPort, "127.0.0.1", kafka.relayTarget(0))) {
 *     settings.put("kafka.bootstrap", kafka.bootstrapServers());          // every part
 *     invalidatorOnly.put("kafka.bootstrap", kafka.relayBootstrap(0));    // this one through the proxy
 * }
 * }</pre>
 */
public final class RelayedKafka implements KafkaServer, AutoCloseable {
    private final EmbeddedKafkaServer server;
    private final List<Integer> relayPorts;
    private final List<Integer> targets;

    private RelayedKafka(EmbeddedKafkaServer server, List<Integer> relayPorts, List<Integer> targets) {
        this.server = server;
        this.relayPorts = List.copyOf(relayPorts);
        this.targets = List.copyOf(targets);
    }

    /**
     * Starts the broker on free loopback ports, advertising {@code relayPorts} (where the caller's proxies
     * listen, or will) on its relay listeners, and waits until it answers on its PLAINTEXT listener.
     */
    public static RelayedKafka start(Path dataDir, List<Integer> relayPorts) {
        List<Integer> targets = IntStream.range(0, relayPorts.size()).mapToObj(i -> Ports.freePort()).toList();
        BrokerListeners listeners = new BrokerListeners() {
            @Override
            public Properties brokerProperties(Path logDir, int port, int controllerPort) {
                return KafkaBrokerConfig.relayed(logDir, port, controllerPort, targets, relayPorts);
            }

            @Override
            public Map<String, String> probeProperties() {
                return Map.of();
            }
        };
        var server = new EmbeddedKafkaServer("Kafka (relayed)", dataDir.toAbsolutePath(), 0, listeners);
        server.boot();
        return new RelayedKafka(server, relayPorts, targets);
    }

    /** The PLAINTEXT listener, {@code 127.0.0.1:port}: clients that bootstrap here never pass a relay. */
    @Override
    public String bootstrapServers() {
        return server.bootstrapServers();
    }

    /** The port the relay listener {@code i} listens on: where a proxy on relay port {@code i} forwards to. */
    public int relayTarget(int i) {
        return targets.get(i);
    }

    /** {@code 127.0.0.1:<relay port i>}: a client that bootstraps here reaches the broker only through the relay. */
    public String relayBootstrap(int i) {
        return Ports.LOOPBACK + ":" + relayPorts.get(i);
    }

    @Override
    public String name() {
        return server.name();
    }

    @Override
    public boolean isRunning() {
        return server.isRunning();
    }

    @Override
    public void stop() {
        server.stop();
    }

    @Override
    public void start() {
        server.start();
    }

    /** Stops the broker; its directory stays. */
    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "RelayedKafka[" + bootstrapServers() + ", relays " + relayPorts + " -> " + targets + "]";
    }
}
