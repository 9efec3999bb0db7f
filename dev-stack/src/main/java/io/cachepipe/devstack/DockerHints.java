package io.cachepipe.devstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A cheap look for any sign of a Docker engine before asking Testcontainers, which costs a few
 * hundred milliseconds of class loading and logs an ERROR ("Could not find a valid Docker
 * environment") on every machine without Docker. Erring towards "maybe" is safe: then
 * Testcontainers decides. Erring towards "no" only means the embedded servers, which work anyway.
 */
final class DockerHints {
    private DockerHints() {
    }

    static boolean anyPresent() {
        return anyPresent(System::getenv, Path.of(System.getProperty("user.home", "/nonexistent")), Path.of("/"));
    }

    /** @param root the file system root, so tests can stand in a directory of their own */
    static boolean anyPresent(Function<String, @Nullable String> environment, Path home, Path root) {
        for (String variable : List.of("DOCKER_HOST", "TESTCONTAINERS_DOCKER_CLIENT_STRATEGY", "TESTCONTAINERS_HOST_OVERRIDE")) {
            String value = environment.apply(variable);
            if (value != null && !value.isBlank()) {
                return true;
            }
        }
        String runtimeDir = environment.apply("XDG_RUNTIME_DIR");
        List<Path> candidates = new ArrayList<>(List.of(
                root.resolve("var/run/docker.sock"),
                root.resolve("run/podman/podman.sock"),
                home.resolve(".testcontainers.properties"),
                home.resolve(".docker/run/docker.sock"),
                home.resolve(".docker/desktop/docker.sock"),
                home.resolve(".colima"),
                home.resolve(".rd/docker.sock")));
        if (runtimeDir != null && !runtimeDir.isBlank()) {
            candidates.add(Path.of(runtimeDir, "docker.sock"));
            candidates.add(Path.of(runtimeDir, "podman", "podman.sock"));
        }
        return candidates.stream().anyMatch(Files::exists);
    }
}
