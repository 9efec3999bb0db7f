package io.cachepipe.api;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stops sending reads to Redis after {@code threshold} consecutive failures, for {@code openFor};
 * then lets one probe through. Keeps the API answering from PostgreSQL at full speed while Redis is
 * away instead of paying a timeout per request, and recovers by itself when it returns.
 */
final class CircuitBreaker {
    private final int threshold;
    private final Duration openFor;
    private final Clock clock;
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicLong openUntil = new AtomicLong();

    CircuitBreaker(int threshold, Duration openFor, Clock clock) {
        this.threshold = threshold;
        this.openFor = openFor;
        this.clock = clock;
    }

    /** True if a call may go to Redis now: closed, or open long enough that this one probes. */
    boolean allows() {
        long until = openUntil.get();
        if (until == 0) {
            return true;
        }
        long now = clock.millis();
        return now >= until && openUntil.compareAndSet(until, now + openFor.toMillis());
    }

    void success() {
        failures.set(0);
        openUntil.set(0);
    }

    void failure() {
        if (failures.incrementAndGet() >= threshold) {
            openUntil.set(clock.millis() + openFor.toMillis());
        }
    }

    boolean isOpen() {
        return openUntil.get() != 0;
    }
}
