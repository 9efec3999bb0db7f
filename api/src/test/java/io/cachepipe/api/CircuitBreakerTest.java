package io.cachepipe.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.EPOCH;

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }
    }

    @Test
    void opensAfterConsecutiveFailures_thenLetsOneProbeThroughAfterTheWait() {
        var clock = new ManualClock();
        var breaker = new CircuitBreaker(3, Duration.ofSeconds(1), clock);
        breaker.failure();
        breaker.failure();
        assertThat(breaker.allows()).isTrue();
        breaker.failure();
        assertThat(breaker.allows()).isFalse();
        clock.advance(Duration.ofMillis(1001));
        assertThat(breaker.allows()).isTrue();
        assertThat(breaker.allows()).as("only one probe per wait").isFalse();
        breaker.success();
        assertThat(breaker.allows()).isTrue();
        assertThat(breaker.isOpen()).isFalse();
    }
}
