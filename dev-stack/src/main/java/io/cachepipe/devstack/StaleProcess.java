package io.cachepipe.devstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server left running by a JVM that was killed (kill -9, a forked test JVM timing out) still holds
 * its data directory and port. Before starting over the same directory, stop it: its pid file
 * names it, and its command line must match so that an unrelated process reusing the pid is spared.
 */
final class StaleProcess {
    private static final Logger LOG = LoggerFactory.getLogger(StaleProcess.class);

    private StaleProcess() {
    }

    /** @param executableName such as "postgres" or "redis-server-7.0.15-linux-amd64" */
    static void stopIfRunning(Path pidFile, String executableName) {
        Optional<ProcessHandle> stale = read(pidFile).flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(process -> process.info().command().map(command -> command.endsWith(executableName)).orElse(false));
        if (stale.isEmpty()) {
            return;
        }
        ProcessHandle process = stale.get();
        LOG.warn("Stopping {} (pid {}) left running by an earlier JVM, named in {}", executableName, process.pid(), pidFile);
        process.destroy();
        try {
            process.onExit().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("{} (pid {}) ignored SIGTERM for 15 s; killing it", executableName, process.pid());
            process.destroyForcibly();
        }
    }

    private static Optional<Long> read(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.getFirst().strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
