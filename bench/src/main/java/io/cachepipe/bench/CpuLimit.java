package io.cachepipe.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A CPU limit for each part process, as {@code resources.limits.cpu} gives each pod: a cgroup of its
 * own per process, with a CFS quota of {@code cores} CPUs, that the process is moved into whenever it
 * (re)starts. This is how the scale-out run gives instances capacity of their own on a machine whose
 * cores the stack and the load generator already fill. Needs a writable cpu controller: cgroup v1
 * at {@code /sys/fs/cgroup/cpu}, or v2 at {@code /sys/fs/cgroup} with {@code cpu} among its
 * controllers (in practice: root, outside a container that hides them).
 */
final class CpuLimit implements AutoCloseable {
    private static final long PERIOD_US = 100_000;

    private final double cores;
    private final Path base;
    private final boolean v2;
    private final List<Path> groups = new ArrayList<>();
    private boolean enforced = true;

    private CpuLimit(double cores, Path base, boolean v2) {
        this.cores = cores;
        this.base = base;
        this.v2 = v2;
    }

    /** Finds the cpu controller and makes this run's parent group, or says what is missing. */
    static CpuLimit of(double cores) {
        if (!(cores > 0)) {
            throw new IllegalArgumentException("a CPU limit is a positive number of cores, not " + cores);
        }
        Path v1 = Path.of("/sys/fs/cgroup/cpu");
        Path unified = Path.of("/sys/fs/cgroup");
        String name = "cachepipe-bench-" + ProcessHandle.current().pid();
        try {
            if (Files.isWritable(v1.resolve("cgroup.procs"))) {
                return new CpuLimit(cores, Files.createDirectories(v1.resolve(name)), false);
            }
            Path controllers = unified.resolve("cgroup.controllers");
            if (Files.exists(controllers) && Files.readString(controllers).contains("cpu")) {
                Files.writeString(unified.resolve("cgroup.subtree_control"), "+cpu");
                Path parent = Files.createDirectories(unified.resolve(name));
                Files.writeString(parent.resolve("cgroup.subtree_control"), "+cpu");
                return new CpuLimit(cores, parent, true);
            }
        } catch (IOException e) {
            throw new IllegalStateException("--cpu-limit needs a writable cgroup cpu controller: " + e.getMessage(), e);
        }
        throw new IllegalStateException("--cpu-limit needs a writable cgroup cpu controller (cgroup v1 at " + v1
                + ", or v2 at " + unified + " with cpu enabled); none here. Run as root, or without --cpu-limit");
    }

    double cores() {
        return cores;
    }

    /** Moves process {@code pid} into the limited group named after {@code part} (created on first use). */
    synchronized void apply(String part, long pid) {
        try {
            Path group = base.resolve(part);
            if (!Files.isDirectory(group)) {
                Files.createDirectories(group);
                if (!v2) {
                    write(group.resolve("cpu.cfs_period_us"), Long.toString(PERIOD_US));
                }
                setQuota(group, enforced);
                groups.add(group);
            }
            write(group.resolve("cgroup.procs"), Long.toString(pid));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot limit " + part + " (pid " + pid + ") to " + this + ": " + e.getMessage(), e);
        }
    }

    /**
     * Lifts the quota of every group, the ones made later too, until {@link #enforce()}: for warming
     * up, so that a process's JIT compiles in seconds, as on a pod that has run for a while, not in
     * the minutes a small quota stretches it to (each instance compiles the same code, so a cold
     * JIT makes every added instance look expensive).
     */
    synchronized void lift() {
        setAll(false);
    }

    /** Puts the quota back on every group. */
    synchronized void enforce() {
        setAll(true);
    }

    private void setAll(boolean enforce) {
        enforced = enforce;
        try {
            for (Path group : groups) {
                setQuota(group, enforce);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot " + (enforce ? "enforce " : "lift ") + this + ": " + e.getMessage(), e);
        }
    }

    private void setQuota(Path group, boolean enforce) throws IOException {
        long quota = Math.round(cores * PERIOD_US);
        if (v2) {
            write(group.resolve("cpu.max"), (enforce ? Long.toString(quota) : "max") + " " + PERIOD_US);
        } else {
            write(group.resolve("cpu.cfs_quota_us"), enforce ? Long.toString(quota) : "-1");
        }
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value, StandardCharsets.US_ASCII);
    }

    /** Removes the groups; their processes have exited by then (a group with members stays, harmlessly). */
    @Override
    public void close() {
        for (Path group : groups.reversed()) {
            try {
                Files.deleteIfExists(group);
            } catch (IOException ignored) {
                // still has a process in it: the kernel keeps it until that exits
            }
        }
        try {
            Files.deleteIfExists(base);
        } catch (IOException ignored) {
            // as above
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.2f CPU per process", cores);
    }
}
