package io.cachepipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerHintsTest {
    @TempDir
    Path root;

    @Test
    void noSocket_noVariable_noConfiguration_meansNoDocker() {
        assertThat(DockerHints.anyPresent(Map.<String, String>of()::get, root.resolve("home"), root)).isFalse();
    }

    @Test
    void dockerHost_isAHint() {
        assertThat(DockerHints.anyPresent(Map.of("DOCKER_HOST", "tcp://docker:2375")::get, root.resolve("home"), root)).isTrue();
    }

    @Test
    void systemSocket_isAHint() throws IOException {
        Files.createDirectories(root.resolve("var/run"));
        Files.createFile(root.resolve("var/run/docker.sock"));

        assertThat(DockerHints.anyPresent(Map.<String, String>of()::get, root.resolve("home"), root)).isTrue();
    }

    @Test
    void testcontainersProperties_inHome_isAHint() throws IOException {
        Files.createDirectories(root.resolve("home"));
        Files.createFile(root.resolve("home/.testcontainers.properties"));

        assertThat(DockerHints.anyPresent(Map.<String, String>of()::get, root.resolve("home"), root)).isTrue();
    }

    @Test
    void rootlessSocket_inRuntimeDir_isAHint() throws IOException {
        Path runtime = Files.createDirectories(root.resolve("run/user/1000"));
        Files.createFile(runtime.resolve("docker.sock"));

        assertThat(DockerHints.anyPresent(Map.of("XDG_RUNTIME_DIR", runtime.toString())::get, root.resolve("home"), root)).isTrue();
    }
}
