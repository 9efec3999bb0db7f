package io.cachepipe.devstack;

/**
 * A server the dev stack hands out. {@link #stop()} and {@link #start()} exist for fault-injection
 * tests: the server comes back on the same host and port. PostgreSQL and Kafka keep their data
 * across a restart; Redis runs without persistence and comes back empty.
 *
 * <p>Both calls are idempotent: stopping a stopped server or starting a running one does nothing.
 * A provider that cannot restart its servers (Testcontainers, external) throws
 * {@link UnsupportedOperationException} from both.
 */
public interface ManagedServer {
    /** A human name such as "PostgreSQL". */
    String name();

    boolean isRunning();

    void stop();

    void start();
}
