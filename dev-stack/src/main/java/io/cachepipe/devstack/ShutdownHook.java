package io.cachepipe.devstack;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes servers when the JVM exits without {@code close()} having been called, so no postgres or
 * redis-server process outlives it. {@link #cancel()} from close() keeps hooks from piling up.
 */
final class ShutdownHook {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownHook.class);
    private final Thread thread;

    private ShutdownHook(Thread thread) {
        this.thread = thread;
    }

    static ShutdownHook register(String name, Runnable action) {
        Thread thread = new Thread(() -> {
            LOG.info("JVM exiting: stopping {}", name);
            action.run();
        }, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(thread);
        return new ShutdownHook(thread);
    }

    /** Does nothing when called from the hook itself or while the JVM is already shutting down. */
    void cancel() {
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(thread);
        } catch (IllegalStateException shuttingDown) {
            LOG.debug("JVM already shutting down; hook {} stays", thread.getName());
        }
    }
}
