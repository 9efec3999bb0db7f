package io.cachepipe.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis Cluster of N masters (no replicas) on loopback, to check that cache scripts keep their
 * keys in one hash slot. Built the way {@code redis-cli --cluster create} does it, over plain RESP:
 * each node gets an even range of the 16384 slots and a distinct config epoch, the first node
 * meets the others, and we wait until every node reports {@code cluster_state:ok}.
 *
 * <p>Files live under {@code <dataDir>/redis-cluster/node-<i>}; the cluster is fresh on every start.
 */
public final class RedisClusterStack implements AutoCloseable {
    public static final int DEFAULT_MASTERS = 3;
    public static final int SLOTS = 16_384;
    private static final Logger LOG = LoggerFactory.getLogger(RedisClusterStack.class);
    private static final Duration FORM_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

    private final List<RedisProcess> nodes;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ShutdownHook shutdownHook;

    private RedisClusterStack(List<RedisProcess> nodes) {
        this.nodes = List.copyOf(nodes);
        this.shutdownHook = ShutdownHook.register("cachepipe-redis-cluster", this::stopAll);
    }

    public static RedisClusterStack start(Path dataDir) {
        return start(dataDir, DEFAULT_MASTERS);
    }

    /** @throws DevStackException if a node does not start or the cluster does not form in 30 s */
    public static RedisClusterStack start(Path dataDir, int masters) {
        if (masters < 1 || masters > SLOTS) {
            throw new IllegalArgumentException("masters was " + masters + "; expected 1-" + SLOTS);
        }
        long started = System.nanoTime();
        Path root = dataDir.toAbsolutePath();
        Path binary = RedisBinary.extract(root.resolve("redis").resolve("bin"));
        List<RedisProcess> nodes = new ArrayList<>();
        List<Integer> busPorts = new ArrayList<>();
        try {
            for (int i = 0; i < masters; i++) {
                int port = Ports.freePort();
                int busPort = Ports.freePort();
                Path workDir = root.resolve("redis-cluster").resolve("node-" + i);
                Files.createDirectories(workDir);
                Files.deleteIfExists(workDir.resolve("nodes.conf"));
                nodes.add(RedisProcess.start(binary, workDir, port, List.of(
                        "--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf",
                        "--cluster-port", Integer.toString(busPort),
                        "--cluster-node-timeout", "5000")));
                busPorts.add(busPort);
            }
            form(nodes, busPorts);
        } catch (IOException | RuntimeException e) {
            nodes.forEach(RedisProcess::stop);
            throw new DevStackException("Redis Cluster of " + masters + " masters did not form under "
                    + root.resolve("redis-cluster") + ": " + e.getMessage(), e);
        }
        RedisClusterStack cluster = new RedisClusterStack(nodes);
        LOG.info("Redis Cluster of {} masters ready at {} in {} ms", masters, cluster.seedUris(),
                (System.nanoTime() - started) / 1_000_000);
        return cluster;
    }

    private static void form(List<RedisProcess> nodes, List<Integer> busPorts) throws IOException {
        int count = nodes.size();
        for (int i = 0; i < count; i++) {
            try (Resp node = connect(nodes.get(i))) {
                node.call("CLUSTER", "ADDSLOTSRANGE",
                        Integer.toString(i * SLOTS / count), Integer.toString((i + 1) * SLOTS / count - 1));
                node.call("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
            }
        }
        try (Resp first = connect(nodes.getFirst())) {
            for (int i = 1; i < count; i++) {
                first.call("CLUSTER", "MEET", Ports.LOOPBACK, Integer.toString(nodes.get(i).port()),
                        Integer.toString(busPorts.get(i)));
            }
        }
        for (RedisProcess node : nodes) {
            Poll.until("Redis Cluster node " + node.port() + " to report cluster_state:ok with " + count + " nodes",
                    FORM_TIMEOUT, () -> {
                        try (Resp resp = connect(node)) {
                            String info = resp.callForText("CLUSTER", "INFO");
                            return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + count + "\r\n");
                        }
                    });
        }
    }

    private static Resp connect(RedisProcess node) throws IOException {
        return Resp.connect(Ports.LOOPBACK, node.port(), COMMAND_TIMEOUT);
    }

    /** {@code redis://127.0.0.1:port} of every master; any one is enough for a cluster client to find the rest. */
    public List<String> seedUris() {
        return nodes.stream().map(node -> "redis://" + Ports.LOOPBACK + ":" + node.port()).toList();
    }

    public List<Integer> ports() {
        return nodes.stream().map(RedisProcess::port).toList();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            shutdownHook.cancel();
            stopAll();
        }
    }

    private void stopAll() {
        nodes.forEach(RedisProcess::stop);
    }
}
