package io.cachepipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.devstack.DevStackOptions.Provider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Start-up failure and shutdown: what is left behind (nothing) and what the user is told. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DevStackLifecycleIT {
    private static final Path ROOT = Path.of(System.getProperty("cachepipe.devstack.dir", "target/dev-stack"));

    @Test
    void close_stopsThePostgresAndRedisProcesses_andMayBeCalledTwice() throws IOException {
        DevStackOptions options = DevStackOptions.defaults(ROOT.resolve("lifecycle-close")).withProvider(Provider.EMBEDDED);
        DevStack stack = DevStack.start(options);
        ProcessHandle postgres = processOf(options.dataDir().resolve("postgres/data/postmaster.pid"));
        ProcessHandle redis = processOf(options.dataDir().resolve("redis/data/redis.pid"));
        assertThat(isRunning(postgres)).isTrue();
        assertThat(isRunning(redis)).isTrue();

        stack.close();
        stack.close();

        assertThat(isRunning(postgres)).as("postgres (pid %d) still running", postgres.pid()).isFalse();
        assertThat(isRunning(redis)).as("redis-server (pid %d) still running", redis.pid()).isFalse();
        assertThat(stack.postgres().isRunning()).isFalse();
        assertThat(stack.kafka().isRunning()).isFalse();
        assertThatThrownBy(() -> stack.redis().start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed dev stack");
    }

    @Test
    void fixedPortInUse_failsWithThePortAndTheFlag_andLeavesNothingRunning() throws IOException {
        DevStackOptions base = DevStackOptions.defaults(ROOT.resolve("lifecycle-port")).withProvider(Provider.EMBEDDED);
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int taken = squatter.getLocalPort();

            assertThatThrownBy(() -> DevStack.start(base.withPorts(0, 0, taken)))
                    .isInstanceOf(DevStackException.class)
                    .hasMessageContaining("did not start")
                    .hasMessageContaining("Redis cannot listen on 127.0.0.1:" + taken + " because it is in use")
                    .hasMessageContaining("--redis-port or CACHEPIPE_DEVSTACK_REDIS_PORT");
        }
        assertThat(base.dataDir().resolve("postgres/data/postmaster.pid")).doesNotExist();
    }

    /**
     * The postmaster is not our child (pg_ctl daemonizes it), so once it exits it stays a zombie
     * until init reaps it, and {@link ProcessHandle#isAlive()} says true for a zombie. On Linux,
     * /proc tells the two apart.
     */
    private static boolean isRunning(ProcessHandle process) throws IOException {
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        if (!Files.isDirectory(Path.of("/proc/self"))) {
            return process.isAlive();
        }
        try {
            String line = Files.readString(stat);
            char state = line.charAt(line.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (java.nio.file.NoSuchFileException gone) {
            return false;
        }
    }

    private static ProcessHandle processOf(Path pidFile) throws IOException {
        long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
        return ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no process " + pid + " from " + pidFile));
    }
}
