package io.cachepipe.api;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Single flight for loads that must begin after their caller arrived: a read-your-writes read that
 * falls back to PostgreSQL may share another reader's load only if that load started after it
 * arrived (and so after its write). A caller finding an older load in flight waits for it to end,
 * then joins or starts the next. Per key, at most one load runs, however many readers present
 * tokens: a token makes a read fresh, never a way around single flight.
 */
final class FreshFlight<V> {
    @FunctionalInterface
    interface Load<V> {
        V run() throws SQLException;
    }

    private record Flight<V>(long started, CompletableFuture<V> result) {
    }

    private final ConcurrentHashMap<String, Flight<V>> flights = new ConcurrentHashMap<>();

    V load(String key, Load<V> load) throws SQLException, InterruptedException {
        long arrived = System.nanoTime();
        while (true) {
            var mine = new Flight<V>(System.nanoTime(), new CompletableFuture<>());
            Flight<V> current = flights.putIfAbsent(key, mine);
            if (current == null) {
                return lead(key, mine, load);
            }
            if (current.started() - arrived >= 0) {
                return shared(current);
            }
            try {
                current.result().get();
            } catch (ExecutionException e) {
                // an older load failed: this caller makes its own attempt
            }
        }
    }

    /** Loads now in flight (for tests). */
    int inFlight() {
        return flights.size();
    }

    private V lead(String key, Flight<V> mine, Load<V> load) throws SQLException {
        try {
            V value = load.run();
            mine.result().complete(value);
            return value;
        } catch (SQLException | RuntimeException e) {
            mine.result().completeExceptionally(e);
            throw e;
        } finally {
            flights.remove(key, mine);
        }
    }

    private V shared(Flight<V> flight) throws SQLException, InterruptedException {
        try {
            return flight.result().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
