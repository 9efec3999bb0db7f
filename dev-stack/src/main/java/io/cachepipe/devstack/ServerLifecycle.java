package io.cachepipe.devstack;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine every server shares, changed by compare-and-set so that a test calling
 * {@link #stop()} while the stack closes gets a clear error instead of a half-stopped server.
 *
 * <pre>
 * NEW --boot--> STARTING --> RUNNING --stop--> STOPPING --> STOPPED --start--> STARTING
 *                   \--(failure)--> STOPPED                        any --close--> CLOSED
 * </pre>
 */
abstract class ServerLifecycle implements ManagedServer {
    enum State { NEW, STARTING, RUNNING, STOPPING, STOPPED, CLOSED }

    private static final Logger LOG = LoggerFactory.getLogger(ServerLifecycle.class);

    private final String name;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private volatile Duration lastStart = Duration.ZERO;

    ServerLifecycle(String name) {
        this.name = name;
    }

    /** Starts the server; throws with a message that says what failed and what to do. */
    protected abstract void startServer() throws Exception;

    /** Stops the server; for a restart, its data (if it keeps any) must survive. */
    protected abstract void stopServer() throws Exception;

    /** {@code host:port}, for log lines. */
    protected abstract String address();

    /** Empty if the server can restart, else why not and what to do instead. */
    protected String restartUnsupportedReason() {
        return "";
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final boolean isRunning() {
        return state.get() == State.RUNNING;
    }

    final State state() {
        return state.get();
    }

    final Duration lastStart() {
        return lastStart;
    }

    /** The first start, by {@link DevStack}; allowed for every provider. */
    final void boot() {
        transition(State.NEW, State.STARTING);
        run(State.RUNNING, "started");
    }

    @Override
    public final void start() {
        requireRestartable("start");
        State current = state.get();
        if (current == State.RUNNING) {
            return;
        }
        transition(State.STOPPED, State.STARTING);
        run(State.RUNNING, "restarted");
    }

    @Override
    public final void stop() {
        requireRestartable("stop");
        State current = state.get();
        if (current == State.STOPPED) {
            return;
        }
        transition(State.RUNNING, State.STOPPING);
        long started = System.nanoTime();
        try {
            stopServer();
        } catch (Exception e) {
            state.set(State.STOPPED);
            throw new DevStackException(name + " at " + address() + " did not stop cleanly: " + e.getMessage(), e);
        }
        state.set(State.STOPPED);
        LOG.info("{} stopped in {} ms", name, (System.nanoTime() - started) / 1_000_000);
    }

    /** Final stop, by {@link DevStack#close()}: never throws, never restarts. */
    final void close() {
        State previous = state.getAndSet(State.CLOSED);
        if (previous == State.RUNNING || previous == State.STARTING || previous == State.STOPPING) {
            quietlyStop();
        }
    }

    private void quietlyStop() {
        try {
            stopServer();
        } catch (Exception | LinkageError e) {
            LOG.warn("{} at {} did not stop cleanly", name, address(), e);
        }
    }

    private void run(State target, String verb) {
        long started = System.nanoTime();
        try {
            startServer();
        } catch (Exception | ExceptionInInitializerError e) {
            state.compareAndSet(State.STARTING, State.STOPPED);
            quietlyStop();
            throw e instanceof DevStackException devStack ? devStack
                    : new DevStackException(name + " did not start at " + address() + ": " + e.getMessage(), e);
        }
        lastStart = Duration.ofNanos(System.nanoTime() - started);
        if (!state.compareAndSet(State.STARTING, target)) {
            quietlyStop();
            throw new IllegalStateException(name + " was closed while it started");
        }
        LOG.info("{} {} at {} in {} ms", name, verb, address(), lastStart.toMillis());
    }

    private void transition(State from, State to) {
        if (!state.compareAndSet(from, to)) {
            State current = state.get();
            if (current == State.CLOSED) {
                throw new IllegalStateException(name + " belongs to a closed dev stack");
            }
            throw new IllegalStateException(name + " is " + current + ", not " + from
                    + "; another thread is starting or stopping it");
        }
    }

    private void requireRestartable(String action) {
        String reason = restartUnsupportedReason();
        if (!reason.isEmpty()) {
            throw new UnsupportedOperationException("Cannot " + action + " " + name + ": " + reason);
        }
    }
}
