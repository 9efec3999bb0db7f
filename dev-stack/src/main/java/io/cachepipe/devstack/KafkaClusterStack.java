package io.cachepipe.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three Kafka nodes on loopback, each in a JVM of its own ({@link KafkaBrokerProcess}) and each broker and
 * controller: a 3-voter KRaft quorum that survives the loss of any one node. Topics created without a
 * replication factor get 3, {@code min.insync.replicas} is 2, and so it is for the consumer offsets and
 * the transaction log. For tests that kill a broker under load ({@link #kill(int)}, SIGKILL) and bring it
 * back ({@link #start(int)}, same ports and log dirs). Files live under {@code <dataDir>/kafka-cluster},
 * fresh on every {@link #start(Path)}.
 *
 * <pre>{@code
 * try (KafkaClusterStack kafka = KafkaClusterStack.start(Path.of("target", "kafka-cluster"))) {
 *     int leader = kafka.leaderOf("orders", 0);
 *     kafka.kill(leader);
 *     kafka.start(leader);
 * }
 * }</pre>
 */
public final class KafkaClusterStack implements AutoCloseable {
    /** Nodes in the cluster; their ids are 1 to 3. */
    public static final int NODES = 3;
    private static final Logger LOG = LoggerFactory.getLogger(KafkaClusterStack.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final int REQUEST_MILLIS = 5_000;

    private final Map<Integer, KafkaBrokerProcess> nodes;
    private final Admin admin;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ShutdownHook shutdownHook;

    private KafkaClusterStack(Map<Integer, KafkaBrokerProcess> nodes) {
        this.nodes = Map.copyOf(nodes);
        this.shutdownHook = ShutdownHook.register("cachepipe-kafka-cluster", () -> nodes.values().forEach(KafkaBrokerProcess::kill));
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_MILLIS,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, REQUEST_MILLIS));
    }

    /** @throws DevStackException if a node does not start, or the three do not see each other within 90 s */
    public static KafkaClusterStack start(Path dataDir) {
        long started = System.nanoTime();
        Path root = dataDir.toAbsolutePath().resolve("kafka-cluster");
        Map<Integer, KafkaBrokerProcess> nodes = new LinkedHashMap<>();
        try {
            int[] ports = new int[NODES + 1];
            Map<Integer, Integer> voters = new LinkedHashMap<>();
            for (int id = 1; id <= NODES; id++) {
                ports[id] = Ports.freePort();
                voters.put(id, Ports.freePort());
            }
            for (int id = 1; id <= NODES; id++) {
                // A node left by a killed JVM holds its directory: stop it before the directory goes.
                StaleProcess.stopIfRunning(root.resolve("node-" + id).resolve(KafkaBrokerProcess.PID_FILE), "java");
            }
            deleteRecursively(root);
            String clusterId = Uuid.randomUuid().toString();
            for (int id = 1; id <= NODES; id++) {
                Path dir = root.resolve("node-" + id);
                nodes.put(id, KafkaBrokerProcess.prepare(id, ports[id], dir,
                        KafkaBrokerConfig.clusterNode(id, dir.resolve("data"), ports[id], voters), clusterId));
            }
            // All before waiting for any: no node is ready until a majority of the voters runs.
            nodes.values().forEach(KafkaBrokerProcess::launch);
            var cluster = new KafkaClusterStack(nodes);
            try {
                cluster.awaitBrokers(nodes.keySet());
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
            LOG.info("Kafka cluster of {} nodes ready at {} in {} ms", NODES, cluster.bootstrapServers(),
                    (System.nanoTime() - started) / 1_000_000);
            return cluster;
        } catch (IOException | RuntimeException e) {
            nodes.values().forEach(node -> node.stop(5));
            throw new DevStackException("The Kafka cluster did not start under " + root + ": " + e.getMessage(), e);
        }
    }

    /** Every node's client listener, {@code 127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3}. */
    public String bootstrapServers() {
        return nodes.values().stream().map(KafkaBrokerProcess::address).collect(Collectors.joining(","));
    }

    /** The node ids, 1 to {@value #NODES}. */
    public Set<Integer> brokerIds() {
        return nodes.keySet();
    }

    /** The id of the broker that leads the partition now, as the controller's metadata says; -1 when none does. */
    public int leaderOf(String topic, int partition) {
        Node leader = describe(topic, partition).leader();
        return leader == null || leader.isEmpty() ? -1 : leader.id();
    }

    /** The ids of the brokers in the partition's in-sync replica set now. */
    public Set<Integer> inSyncReplicasOf(String topic, int partition) {
        return describe(topic, partition).isr().stream().map(Node::id).collect(Collectors.toUnmodifiableSet());
    }

    private TopicPartitionInfo describe(String topic, int partition) {
        try {
            Map<String, TopicDescription> described = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(REQUEST_MILLIS, TimeUnit.MILLISECONDS);
            return described.values().stream().flatMap(description -> description.partitions().stream())
                    .filter(info -> info.partition() == partition).findFirst()
                    .orElseThrow(() -> new DevStackException(topic + " has no partition " + partition));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DevStackException("Interrupted describing " + topic + "-" + partition, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new DevStackException("Could not describe " + topic + "-" + partition + ": " + e.getMessage(), e);
        }
    }

    /** SIGKILL to the node's JVM, as a machine that crashed; returns once it is gone. */
    public void kill(int brokerId) {
        node(brokerId).kill();
        LOG.info("Kafka node {} killed", brokerId);
    }

    /**
     * Starts a node that was killed again, on the same ports and log dirs, and waits until the cluster
     * counts it as a live broker again (it has caught up with the metadata and is unfenced).
     */
    public void start(int brokerId) {
        node(brokerId).launch();
        awaitBrokers(Set.of(brokerId));
    }

    public boolean isRunning(int brokerId) {
        return node(brokerId).isAlive();
    }

    /**
     * For a caller whose own shutdown hook closes this cluster after the clients that use it (such as the
     * dev stack's {@link DevStack#closeFirst}): the JVM runs its hooks at the same time, and this cluster's
     * own hook would kill the brokers under clients still closing. Answers this cluster.
     */
    public KafkaClusterStack closedByCaller() {
        shutdownHook.cancel();
        return this;
    }

    /** The node's output (Kafka's own log, at the level of the logging configuration on the class path). */
    public Path logOf(int brokerId) {
        return node(brokerId).log();
    }

    private KafkaBrokerProcess node(int brokerId) {
        KafkaBrokerProcess node = nodes.get(brokerId);
        if (node == null) {
            throw new IllegalArgumentException("no Kafka node " + brokerId + "; the ids are " + nodes.keySet());
        }
        return node;
    }

    private void awaitBrokers(Set<Integer> ids) {
        // Listening first: an admin client asking sooner fills the log with refused connections.
        Poll.until("Kafka nodes " + ids + " to listen", READY_TIMEOUT, () -> ids.stream().allMatch(id -> node(id).listens()),
                () -> deathNotice(ids));
        Poll.until("Kafka nodes " + ids + " to be live brokers of the cluster", READY_TIMEOUT, () -> {
            Set<Integer> live = admin.describeCluster().nodes().get(REQUEST_MILLIS, TimeUnit.MILLISECONDS).stream()
                    .map(Node::id).collect(Collectors.toSet());
            return live.containsAll(ids);
        }, () -> deathNotice(ids));
    }

    private String deathNotice(Set<Integer> ids) {
        return ids.stream().map(id -> node(id).deathNotice()).filter(notice -> !notice.isEmpty()).findFirst().orElse("");
    }

    /** Stops every node (controlled shutdown, then SIGKILL after 10 s); the directory stays until the next start. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            shutdownHook.cancel();
            admin.close(Duration.ofSeconds(5));
            List<Thread> stopping = new ArrayList<>();
            nodes.values().forEach(node -> stopping.add(Thread.ofPlatform().name("stop-kafka-" + node.nodeId()).start(() -> node.stop(10))));
            for (Thread thread : stopping) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    nodes.values().forEach(KafkaBrokerProcess::kill);
                    return;
                }
            }
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Override
    public String toString() {
        return "KafkaClusterStack[" + bootstrapServers() + "]";
    }
}
