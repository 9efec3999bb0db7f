package io.cachepipe.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * CPU the dev stack's servers used over a window, from {@code /proc}: Kafka (the broker runs in this
 * JVM, together with the bench's own polling), PostgreSQL and Redis. On a two-core machine a stage
 * is as often limited by one of them as by itself: a stage whose process used half a core while the
 * machine was full tells which neighbour took the rest.
 *
 * <p>The servers are found by what they say about themselves (a backend's parent is the postmaster,
 * Redis names its {@code process_id}), not by process names, since other builds on the machine run
 * PostgreSQL and Redis too. PostgreSQL's backends come and go: a live one is counted in its own
 * {@code utime+stime}, an exited one in the postmaster's {@code cutime+cstime} once reaped.
 */
final class StackCpu {
    static final String KAFKA = "Kafka broker + bench";
    static final String POSTGRES = "PostgreSQL";
    static final String REDIS = "Redis";

    /** The servers' process ids. */
    record Servers(long postmaster, long redis) {
        /** The servers a pool's database and a probe's Redis run in. */
        static Servers of(DataSource database, RedisProbe redis) throws SQLException {
            return new Servers(postmasterPid(database), redis.serverPid());
        }

        /** The postmaster: the parent of a backend (ours), found through the database rather than by a process name. */
        private static long postmasterPid(DataSource database) throws SQLException {
            try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
                row.next();
                return CpuUse.parentPid(CpuUse.read(Path.of("/proc", Integer.toString(row.getInt(1)), "stat")));
            }
        }
    }

    private final Servers servers;
    private final long startNanos;
    private final Map<String, Long> start;

    private StackCpu(Servers servers) {
        this.servers = servers;
        this.startNanos = System.nanoTime();
        this.start = ticks();
    }

    static StackCpu start(Servers servers) {
        return new StackCpu(servers);
    }

    /** Cores each server used on average since the start (1.0 = one core busy all the time). */
    Map<String, Double> cores() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Double> cores = new LinkedHashMap<>();
        ticks().forEach((name, ticks) -> {
            Long before = start.get(name);
            if (before != null) { // a server not running at the start has no figure since then
                cores.put(name, (ticks - before) / CpuUse.TICKS_PER_SECOND / seconds);
            }
        });
        return cores;
    }

    private Map<String, Long> ticks() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        ticks.put(KAFKA, CpuUse.processTicks(ProcessHandle.current().pid()));
        ticks.put(POSTGRES, postgresTicks());
        ticks.put(REDIS, CpuUse.processTicks(servers.redis()));
        return ticks;
    }

    private long postgresTicks() {
        long[] ticks = postgresTicks(servers.postmaster());
        return ticks[0] + ticks[1];
    }

    /**
     * PostgreSQL's CPU ticks so far: {@code [0]} the postmaster, its backends and every exited one (reaped),
     * {@code [1]} its live walsenders (logical decoding for cdc-capture), told by the title each gives itself.
     */
    static long[] postgresTicks(long postmaster) {
        String stat = CpuUse.read(Path.of("/proc", Long.toString(postmaster), "stat"));
        long[] sum = {CpuUse.processTicks(stat) + CpuUse.reapedChildTicks(stat), 0};
        ProcessHandle.of(postmaster).ifPresent(server -> server.children().forEach(backend -> {
            try {
                long ticks = CpuUse.processTicks(backend.pid());
                boolean walsender = CpuUse.read(Path.of("/proc", Long.toString(backend.pid()), "cmdline")).startsWith("postgres: walsender");
                sum[walsender ? 1 : 0] += ticks;
            } catch (RuntimeException exited) {
                // gone between the listing and the read: its time is in the postmaster's cutime now
            }
        }));
        return sum;
    }
}
