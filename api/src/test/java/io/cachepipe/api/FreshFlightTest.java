package io.cachepipe.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FreshFlightTest {
    private final FreshFlight<Integer> flight = new FreshFlight<>();
    private final AtomicInteger loads = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();

    @Test
    void readersArrivingDuringALoad_shareTheNextOne_notTheOneThatBeganBeforeThem() throws Exception {
        var firstStarted = new CountDownLatch(1);
        var releaseFirst = new CountDownLatch(1);
        var first = CompletableFuture.supplyAsync(() -> call(() -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            firstStarted.countDown();
            await(releaseFirst);
            running.decrementAndGet();
            return loads.incrementAndGet();
        }), Thread.ofVirtual()::start);
        assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();

        List<CompletableFuture<Integer>> later = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            later.add(CompletableFuture.supplyAsync(() -> call(this::countedLoad), Thread.ofVirtual()::start));
        }
        io.cachepipe.testsupport.Await.await().until(() -> later.stream().noneMatch(CompletableFuture::isDone));
        releaseFirst.countDown();

        assertThat(first.get()).isEqualTo(1);
        for (CompletableFuture<Integer> reader : later) {
            assertThat(reader.get()).as("a load that began after the reader arrived").isGreaterThanOrEqualTo(2);
        }
        assertThat(mostAtOnce).as("loads of one key running at once").hasValue(1);
        assertThat(flight.inFlight()).isZero();
    }

    private int countedLoad() {
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
        int load = loads.incrementAndGet();
        running.decrementAndGet();
        return load;
    }

    private Integer call(FreshFlight.Load<Integer> load) {
        try {
            return flight.load("cp:product:1", load);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
