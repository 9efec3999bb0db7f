package io.cachepipe.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartProcessTest {
    private static final Duration READY = Duration.ofSeconds(30);

    @TempDir
    Path logs;

    @Test
    void kill_isSigkillWithoutShutdownHook_stop_isSigtermWithIt_andStartRunsItAgain() throws Exception {
        int port = PartProcess.freePort();
        try (PartProcess part = PartProcess.builder(ReadyServerMain.class.getName()).name("ready-server")
                .environment("PART_PORT", Integer.toString(port)).environment("PART_GREETING", "hello")
                .readyPort(port).logDirectory(logs).start()) {
            part.awaitReady(READY);
            long first = part.pid();

            part.kill();

            assertThat(part.isAlive()).isFalse();
            assertThat(ProcessHandle.of(first)).isEmpty();
            assertThat(Files.readString(part.log())).contains("greeting: hello").doesNotContain("stopped gracefully");

            part.start().awaitReady(READY);
            assertThat(part.pid()).isNotEqualTo(first);
            assertThat(part.isReady()).isTrue();

            assertThat(part.stop()).as("exit status after SIGTERM").isEqualTo(143);
            assertThat(Files.readString(part.log())).contains("stopped gracefully");
            assertThat(Files.readString(part.log()).split("starting ready-server", -1)).hasSize(3);
        }
    }

    @Test
    void aChildWhoseParentIsKilled_haltsInsteadOfLingering() throws Exception {
        int port = PartProcess.freePort();
        try (PartProcess parent = PartProcess.builder(OrphanParentMain.class.getName()).name("parent")
                .environment("PART_PORT", Integer.toString(port)).environment("PART_LOGS", logs.toString())
                .readyPort(port).logDirectory(logs).start()) {
            parent.awaitReady(READY);
            Await.await().until(() -> Files.readString(parent.log()).contains("child pid "));
            String log = Files.readString(parent.log());
            long child = Long.parseLong(log.substring(log.indexOf("child pid ") + 10).lines().findFirst().orElseThrow().trim());
            assertThat(ProcessHandle.of(child)).hasValueSatisfying(handle -> assertThat(handle.isAlive()).isTrue());

            parent.kill();

            Await.await("the orphaned child to halt").until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
            assertThat(Files.readString(logs.resolve("orphan.log"))).contains("gone, halting");
        }
    }

    @Test
    void aChildThatExitsBeforeItIsReady_failsAwaitReadyAtOnce_withTheEndOfItsLog() {
        int port = PartProcess.freePort();
        try (PartProcess part = PartProcess.builder(ReadyServerMain.class.getName()).name("failing-server")
                .arguments(List.of("fail")).readyPort(port).logDirectory(logs).start()) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> part.awaitReady(READY))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("failing-server exited with 3 before it was ready")
                    .hasMessageContaining("failing at start, as asked");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(READY);
        }
    }
}
