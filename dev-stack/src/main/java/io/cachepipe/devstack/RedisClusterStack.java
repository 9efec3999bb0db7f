package io.cachepipe.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis Cluster on loopback: N masters, each with as many replicas as asked. Built the way
 * {@code redis-cli --cluster create} does it, over plain RESP: each master gets an even range of the
 * 16384 slots and a distinct config epoch, the first node meets the others, each replica is told
 * {@code CLUSTER REPLICATE}, and we wait until every node reports {@code cluster_state:ok} and every
 * replica is in sync.
 *
 * <p>For fault tests it also kills a node ({@code SIGKILL}, as a crash), awaits the failover that follows
 * (a short {@value #NODE_TIMEOUT_MS} ms {@code cluster-node-timeout} keeps it to seconds), restarts a killed
 * node (it keeps its {@code nodes.conf}, so it rejoins under its old id, as a replica of whoever took its
 * slots) and migrates a slot between masters while clients use it ({@link SlotMigration}).
 *
 * <p>Files live under {@code <dataDir>/redis-cluster/node-<i>}; the cluster is fresh on every start.
 * Persistence is off, and the snapshot a replica's full sync leaves is deleted before a start: a restarted
 * node comes back empty and takes its data from its master.
 */
public final class RedisClusterStack implements AutoCloseable {
    public static final int DEFAULT_MASTERS = 3;
    public static final int SLOTS = 16_384;
    /** How long a node may not answer before the others call it failed and its replica takes over. */
    static final int NODE_TIMEOUT_MS = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(RedisClusterStack.class);
    static final Duration FORM_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

    /** One node: where it listens and lives, and the process running it now (replaced on restart). */
    private static final class Member {
        final int port;
        final Path workDir;
        final List<String> arguments;
        volatile RedisProcess process;

        Member(int port, Path workDir, List<String> arguments, RedisProcess process) {
            this.port = port;
            this.workDir = workDir;
            this.arguments = arguments;
            this.process = process;
        }
    }

    private final Path binary;
    private final List<Member> members;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ShutdownHook shutdownHook;

    private RedisClusterStack(Path binary, List<Member> members) {
        this.binary = binary;
        this.members = List.copyOf(members);
        this.shutdownHook = ShutdownHook.register("cachepipe-redis-cluster", this::stopAll);
    }

    /** Three masters, no replicas. */
    public static RedisClusterStack start(Path dataDir) {
        return start(dataDir, DEFAULT_MASTERS, 0);
    }

    /** Three masters with one replica each: a master that dies is replaced by its replica. */
    public static RedisClusterStack startWithReplicas(Path dataDir) {
        return start(dataDir, DEFAULT_MASTERS, 1);
    }

    /** @throws DevStackException if a node does not start or the cluster does not form in a minute */
    public static RedisClusterStack start(Path dataDir, int masters, int replicasPerMaster) {
        if (masters < 1 || masters > SLOTS || replicasPerMaster < 0) {
            throw new IllegalArgumentException("masters was " + masters + " and replicas per master " + replicasPerMaster
                    + "; expected 1-" + SLOTS + " masters and 0 or more replicas");
        }
        long started = System.nanoTime();
        Path root = dataDir.toAbsolutePath();
        Path binary = RedisBinary.extract(root.resolve("redis").resolve("bin"));
        List<Member> members = new ArrayList<>();
        List<Integer> busPorts = new ArrayList<>();
        int count = masters * (1 + replicasPerMaster);
        try {
            for (int i = 0; i < count; i++) {
                int port = Ports.freePort();
                int busPort = Ports.freePort();
                Path workDir = root.resolve("redis-cluster").resolve("node-" + i);
                Files.createDirectories(workDir);
                Files.deleteIfExists(workDir.resolve("nodes.conf"));
                // A replica's full sync leaves the master's snapshot here, which a node loads at start whatever --save says
                Files.deleteIfExists(workDir.resolve("dump.rdb"));
                List<String> arguments = List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-port", Integer.toString(busPort), "--cluster-node-timeout", Integer.toString(NODE_TIMEOUT_MS));
                members.add(new Member(port, workDir, arguments, RedisProcess.start(binary, workDir, port, arguments)));
                busPorts.add(busPort);
            }
            ClusterFormation.form(members.stream().map(member -> member.port).toList(), busPorts, masters);
        } catch (IOException | RuntimeException e) {
            members.forEach(member -> member.process.stop());
            throw new DevStackException("Redis Cluster of " + masters + " masters and " + replicasPerMaster
                    + " replicas each did not form under " + root.resolve("redis-cluster") + ": " + e.getMessage(), e);
        }
        RedisClusterStack cluster = new RedisClusterStack(binary, members);
        cluster.awaitReplicasInSync(FORM_TIMEOUT);
        LOG.info("Redis Cluster of {} masters and {} replicas ready at {} in {} ms", masters, count - masters, cluster.seedUris(),
                (System.nanoTime() - started) / 1_000_000);
        return cluster;
    }

    static Resp connect(int port) throws IOException {
        return Resp.connect(Ports.LOOPBACK, port, COMMAND_TIMEOUT);
    }

    static String nodeId(int port) throws IOException {
        try (Resp resp = connect(port)) {
            return resp.callForText("CLUSTER", "MYID");
        }
    }

    private static String clusterInfo(int port) throws IOException {
        try (Resp resp = connect(port)) {
            return resp.callForText("CLUSTER", "INFO");
        }
    }

    /** {@code redis://127.0.0.1:port} of every node; any one is enough for a cluster client to find the rest. */
    public List<String> seedUris() {
        return members.stream().map(member -> "redis://" + Ports.LOOPBACK + ":" + member.port).toList();
    }

    /** The ports of every node, masters first as they were at start. */
    public List<Integer> ports() {
        return members.stream().map(member -> member.port).toList();
    }

    /** The ports of the masters serving slots now, as a live node sees them. */
    public List<Integer> masterPorts() throws IOException {
        return topology().masters().stream().map(ClusterNodes.Node::port).toList();
    }

    /** The slot a key hashes to (its hash tag's, if it has one). */
    public int slotOf(String key) throws IOException {
        try (Resp resp = connect(liveMember().port)) {
            return Math.toIntExact((Long) java.util.Objects.requireNonNull(resp.call("CLUSTER", "KEYSLOT", key)));
        }
    }

    /** The port of the master that serves the slot now. */
    public int masterOf(int slot) throws IOException {
        return topology().ownerOf(slot).orElseThrow(() -> new IOException("no live master serves slot " + slot)).port();
    }

    /** The port of a replica of the master on {@code masterPort}. */
    public int replicaOf(int masterPort) throws IOException {
        int viewer = liveMember().port;
        ClusterNodes nodes = ClusterNodes.of(viewer);
        String masterId = nodes.byPort(masterPort).orElseThrow(() -> new IOException("no node on port " + masterPort)).id();
        return nodes.replicasOf(masterId).stream().filter(node -> !node.failed()).findFirst()
                .orElseThrow(() -> new IOException("the master on port " + masterPort + " has no live replica; node "
                        + viewer + " sees " + nodes.describe())).port();
    }

    /** SIGKILL to the node on {@code port}: it dies mid-command, with whatever its replicas had not received. */
    public void kill(int port) {
        member(port).process.kill();
        LOG.info("Redis Cluster node {} killed", port);
    }

    /**
     * SIGSTOP to the node on {@code port}: it keeps its connections but answers nothing, and a replica stops taking
     * (and acknowledging) its master's stream; {@link #resume} continues it. Stopped for longer than the node
     * timeout, the other nodes call it failed.
     */
    public void stop(int port) throws IOException {
        member(port).process.suspend(true);
    }

    /**
     * Closes the master's connections to its replicas ({@code CLIENT KILL TYPE replica}). With the replicas
     * {@link #stop stopped} they cannot reconnect, so whatever the master takes from then on exists on the master
     * only: a SIGSTOP alone would not do, since what the master sent sits in the stopped replica's socket buffer
     * and is applied when it continues.
     */
    public void disconnectReplicas(int masterPort) throws IOException {
        try (Resp resp = connect(masterPort)) {
            resp.call("CLIENT", "KILL", "TYPE", "replica");
        }
    }

    /** SIGCONT to a node {@link #stop stopped} before. */
    public void resume(int port) throws IOException {
        member(port).process.suspend(false);
    }

    /**
     * Waits until a replica of the killed master on {@code deadPort} has taken over its slots and every live
     * node reports {@code cluster_state:ok}; answers the port of the new master.
     */
    public int awaitFailover(int deadPort, int slot, Duration timeout) throws IOException {
        Poll.until("a replica to take over slot " + slot + " from the killed master " + deadPort, timeout, () -> {
            int owner = masterOf(slot);
            return owner != deadPort && everyLiveNodeOk() && !rolesAgreedByLiveNodes().isEmpty();
        });
        return masterOf(slot);
    }

    /** Starts the killed node on {@code port} again and waits until it runs as a replica, in sync with its master. */
    public void restart(int port, Duration timeout) throws IOException {
        Member member = member(port);
        if (member.process.isAlive()) {
            throw new IllegalStateException("Redis Cluster node " + port + " is running; kill it first");
        }
        Files.deleteIfExists(member.workDir.resolve("dump.rdb"));
        member.process = RedisProcess.start(binary, member.workDir, port, member.arguments);
        Poll.until("the restarted node " + port + " to replicate a master, in sync, known as a replica to every node", timeout,
                () -> everyLiveNodeOk() && !ClusterRoles.MASTER.equals(rolesAgreedByLiveNodes().getOrDefault(port, ClusterRoles.MASTER))
                        && ClusterRoles.inSync(port));
        LOG.info("Redis Cluster node {} restarted and replicating", port);
    }

    /**
     * Waits until every live node sees the same roles (which nodes are masters, which replicate which, none failed)
     * and every replica has a link to its master with no sync in progress. One node's view alone is not enough: a
     * replica is known as such to the others only through gossip, and until then a node lists it as an empty master.
     */
    public void awaitReplicasInSync(Duration timeout) {
        Poll.until("every Redis Cluster node to agree on the roles, with every replica in sync", timeout,
                () -> ClusterRoles.replicasInSync(rolesAgreedByLiveNodes()));
    }

    /** The roles every live node agrees on (see {@link ClusterRoles#agreed}). */
    private Map<Integer, String> rolesAgreedByLiveNodes() throws IOException {
        return ClusterRoles.agreed(members.stream().filter(member -> member.process.isAlive()).map(member -> member.port)
                .collect(Collectors.toSet()));
    }

    /** Starts moving a slot to the master on {@code targetPort}, key batch by key batch, while clients use it. */
    public SlotMigration migrate(int slot, int targetPort) throws IOException {
        return SlotMigration.begin(slot, masterOf(slot), targetPort, masterPorts());
    }

    private boolean everyLiveNodeOk() throws IOException {
        for (Member member : members) {
            if (member.process.isAlive() && !clusterInfo(member.port).contains("cluster_state:ok")) {
                return false;
            }
        }
        return true;
    }

    private ClusterNodes topology() throws IOException {
        return ClusterNodes.of(liveMember().port);
    }

    private Member liveMember() throws IOException {
        return members.stream().filter(member -> member.process.isAlive()).findFirst()
                .orElseThrow(() -> new IOException("no Redis Cluster node is running"));
    }

    private Member member(int port) {
        return members.stream().filter(member -> member.port == port).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no Redis Cluster node on port " + port + "; nodes: " + ports()));
    }

    /** Leaves stopping the nodes to the caller (as {@link KafkaClusterStack#closedByCaller()}); answers this cluster. */
    public RedisClusterStack closedByCaller() {
        shutdownHook.cancel();
        return this;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            shutdownHook.cancel();
            stopAll();
        }
    }

    private void stopAll() {
        members.forEach(member -> member.process.stop());
    }
}
