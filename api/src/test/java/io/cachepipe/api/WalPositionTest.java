package io.cachepipe.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WalPositionTest {
    private static final Version CURRENT = Version.ofPgLsn("0/5000000");
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final AtomicInteger readings = new AtomicInteger();
    private final WalPosition position = new WalPosition(() -> {
        readings.incrementAndGet();
        return CURRENT;
    }, clock::get, clock::addAndGet);

    @Test
    void aTokenAtOrBeforeTheCurrentPosition_isIssued_andLaterOnesAreJudgedWithoutAQuery() throws Exception {
        assertThat(position.issued(Version.ofPgLsn("0/5000000"), clock.get())).isTrue();
        assertThat(position.issued(Version.ofPgLsn("0/4000000"), clock.get())).isTrue();
        assertThat(readings).hasValue(1);
    }

    @Test
    void tokensFromTheFuture_areRefused_andCostAtMostOneReadingPerInterval() throws Exception {
        long started = clock.get();
        for (int i = 0; i < 1000; i++) {
            assertThat(position.issued(Version.ofPgLsn("7FFFFFFF/FFFFFFFF"), clock.get())).isFalse();
        }
        long intervals = (clock.get() - started) / WalPosition.MIN_INTERVAL.toNanos();
        assertThat(readings.get()).as("readings over %d intervals", intervals).isLessThanOrEqualTo((int) intervals + 1);
    }

    @Test
    void aReadingTakenBeforeTheRequestArrived_isNotEnoughToRefuseIt() throws Exception {
        assertThat(position.issued(Version.ofPgLsn("0/1"), clock.get())).isTrue();
        clock.addAndGet(1_000);
        long arrived = clock.get();
        position.issued(Version.ofPgLsn("0/6000000"), arrived);
        assertThat(readings).as("a new reading, started after the request arrived").hasValue(2);
    }
}
