package io.cachepipe.devstack;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** redis-server from the embedded-redis jar, binary and files under {@code <dataDir>/redis}. */
final class EmbeddedRedisServer extends ServerLifecycle implements RedisServer {
    private final Path root;
    private final int port;
    private volatile @Nullable RedisProcess process;

    EmbeddedRedisServer(Path root, int requestedPort) {
        super("Redis");
        this.root = root;
        this.port = Ports.fixedOrFree(requestedPort);
    }

    @Override
    protected void startServer() throws Exception {
        Path binary = RedisBinary.extract(root.resolve("bin"));
        Path workDir = root.resolve("data");
        StaleProcess.stopIfRunning(workDir.resolve(RedisProcess.PID_FILE), binary.getFileName().toString());
        Ports.requireFree(port, "Redis", "--redis-port or " + DevStackOptions.Key.REDIS_PORT.environmentVariable());
        process = RedisProcess.start(binary, workDir, port, List.of());
    }

    @Override
    protected void stopServer() {
        RedisProcess running = process;
        if (running != null) {
            running.stop();
            process = null;
        }
    }

    @Override
    protected String address() {
        return host() + ":" + port;
    }

    @Override
    public String host() {
        return Ports.LOOPBACK;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String uri() {
        return "redis://" + address();
    }
}
