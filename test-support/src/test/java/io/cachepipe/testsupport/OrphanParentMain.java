package io.cachepipe.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** For {@link PartProcessTest}: starts a {@link ReadyServerMain} child of its own, prints its pid, and waits to be killed. */
public final class OrphanParentMain {
    private OrphanParentMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(System.getenv("PART_PORT"));
        PartProcess child = PartProcess.builder(ReadyServerMain.class.getName()).name("orphan")
                .environment("PART_PORT", Integer.toString(port)).readyPort(port)
                .logDirectory(Path.of(System.getenv("PART_LOGS"))).start();
        child.awaitReady(Duration.ofSeconds(30));
        System.out.println("child pid " + child.pid());
        new CountDownLatch(1).await();
    }
}
