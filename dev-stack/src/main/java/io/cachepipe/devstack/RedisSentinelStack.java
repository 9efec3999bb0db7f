package io.cachepipe.devstack;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis master, its replica and one Sentinel watching them on loopback, the same redis-server binary
 * in three roles: for clients that find the master through Sentinel ({@code redis-sentinel://}) and
 * must follow it when it fails over. Files live under {@code <dataDir>/redis-sentinel}; fresh on every
 * start.
 */
public final class RedisSentinelStack implements AutoCloseable {
    /** The name the Sentinel knows the master by. */
    public static final String MASTER_NAME = "cachepipe";
    private static final Logger LOG = LoggerFactory.getLogger(RedisSentinelStack.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

    private final List<RedisProcess> servers;
    private final RedisProcess sentinel;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ShutdownHook shutdownHook;

    private RedisSentinelStack(List<RedisProcess> servers, RedisProcess sentinel) {
        this.servers = List.copyOf(servers);
        this.sentinel = sentinel;
        this.shutdownHook = ShutdownHook.register("cachepipe-redis-sentinel", this::stopAll);
    }

    /** @throws DevStackException if a server does not start, or the Sentinel does not see the replica within 30 s */
    public static RedisSentinelStack start(Path dataDir) {
        long started = System.nanoTime();
        Path root = dataDir.toAbsolutePath().resolve("redis-sentinel");
        Path binary = RedisBinary.extract(dataDir.toAbsolutePath().resolve("redis").resolve("bin"));
        List<RedisProcess> launched = new ArrayList<>();
        try {
            int masterPort = Ports.freePort();
            launched.add(RedisProcess.start(binary, root.resolve("master"), masterPort, List.of()));
            launched.add(RedisProcess.start(binary, root.resolve("replica"), Ports.freePort(),
                    List.of("--replicaof", Ports.LOOPBACK, Integer.toString(masterPort))));
            RedisProcess sentinel = RedisProcess.startSentinel(binary, root.resolve("sentinel"), Ports.freePort(), masterPort,
                    MASTER_NAME);
            launched.add(sentinel);
            var stack = new RedisSentinelStack(launched.subList(0, 2), sentinel);
            Poll.until("the Sentinel to see the replica of " + MASTER_NAME, READY_TIMEOUT, () -> stack.replicasSeen() == 1);
            LOG.info("Redis master, replica and Sentinel ready at {} in {} ms", stack.sentinelUri(),
                    (System.nanoTime() - started) / 1_000_000);
            return stack;
        } catch (IOException | RuntimeException e) {
            launched.forEach(RedisProcess::stop);
            throw new DevStackException("Redis with Sentinel did not start under " + root + ": " + e.getMessage(), e);
        }
    }

    /** {@code redis-sentinel://127.0.0.1:<sentinel port>#cachepipe}: how a client finds the master. */
    public String sentinelUri() {
        return "redis-sentinel://" + Ports.LOOPBACK + ":" + sentinel.port() + "#" + MASTER_NAME;
    }

    /** The port of the server the Sentinel calls master now. */
    public int masterPort() throws IOException {
        try (Resp resp = Resp.connect(Ports.LOOPBACK, sentinel.port(), COMMAND_TIMEOUT)) {
            Object reply = resp.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
            if (!(reply instanceof List<?> address) || address.size() != 2) {
                throw new IOException("the Sentinel named no master for " + MASTER_NAME + ": " + reply);
            }
            return Integer.parseInt(String.valueOf(address.get(1)));
        }
    }

    /**
     * Asks the Sentinel to fail over now (its replica becomes master, the master its replica) and waits
     * until it names the new master. Answers the new master's port.
     */
    public int failover() throws IOException {
        int before = masterPort();
        try (Resp resp = Resp.connect(Ports.LOOPBACK, sentinel.port(), COMMAND_TIMEOUT)) {
            resp.call("SENTINEL", "FAILOVER", MASTER_NAME);
        }
        Poll.until("the Sentinel to name a new master for " + MASTER_NAME, READY_TIMEOUT, () -> masterPort() != before);
        return masterPort();
    }

    /**
     * Waits until the server that was master on {@code port} runs as a replica of the current master, in
     * sync. Until then a failover is not over: the Sentinel reconfigures an old master that is still up
     * only after some seconds, and clients connected to it keep writing there meanwhile (writes the
     * resync then throws away).
     */
    public void awaitDemoted(int port, Duration timeout) {
        Poll.until("the old master on port " + port + " to replicate the new one", timeout, () -> {
            try (Resp resp = Resp.connect(Ports.LOOPBACK, port, COMMAND_TIMEOUT)) {
                String info = resp.callForText("INFO", "replication");
                return info.contains("role:slave") && info.contains("master_port:" + masterPort())
                        && info.contains("master_link_status:up");
            }
        });
    }

    private int replicasSeen() throws IOException {
        try (Resp resp = Resp.connect(Ports.LOOPBACK, sentinel.port(), COMMAND_TIMEOUT)) {
            String info = resp.callForText("INFO", "sentinel");
            return info.contains("status=ok,address=") && info.contains("slaves=1") ? 1 : 0;
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            shutdownHook.cancel();
            stopAll();
        }
    }

    private void stopAll() {
        sentinel.stop();
        servers.forEach(RedisProcess::stop);
    }
}
