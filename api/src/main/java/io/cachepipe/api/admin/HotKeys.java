package io.cachepipe.api.admin;

import io.cachepipe.store.redis.HotKeyStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded sample of the hottest keys: the space-saving algorithm (Metwally et al., 2005) with
 * {@code capacity} counters. A key already counted is incremented; a new key takes over the counter
 * of the least counted one and inherits its count (the over-estimate is kept as the counter's error).
 * Every key read more than {@code reads / capacity} times is guaranteed to be in the sample. Memory
 * and the cost of a read stay bounded whatever the traffic.
 *
 * <p>Every {@code reportEvery} the counts added since the last report go to the shared sorted set
 * ({@link HotKeyStore}), where {@code cachepipe warm --hot} finds them.
 */
public final class HotKeys implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HotKeys.class);

    private static final class Counter {
        long count;
        long error;
        long reported;
    }

    private final int capacity;
    private final Map<String, Counter> counters;
    /** Keys that held the least count when last looked at; stale entries are skipped. Makes eviction amortized O(1). */
    private final java.util.ArrayDeque<String> leastCounted = new java.util.ArrayDeque<>();
    private long least;
    private @Nullable ScheduledExecutorService reporter;

    public HotKeys(int capacity) {
        this.capacity = capacity;
        this.counters = new HashMap<>(Math.max(16, capacity * 2));
    }

    public synchronized void record(String key) {
        if (capacity == 0) {
            return;
        }
        Counter counter = counters.get(key);
        if (counter == null) {
            if (counters.size() < capacity) {
                counter = new Counter();
            } else {
                Counter evicted = counters.remove(leastCountedKey());
                counter = new Counter();
                if (evicted != null) { // the full table's least counted key is in it: it takes that count as its error
                    counter.count = evicted.count;
                    counter.error = evicted.count;
                    counter.reported = evicted.count;
                }
            }
            counters.put(key, counter);
        }
        counter.count++;
    }

    private String leastCountedKey() {
        while (true) {
            String key = leastCounted.poll();
            if (key == null) {
                least = Long.MAX_VALUE;
                for (Counter counter : counters.values()) {
                    least = Math.min(least, counter.count);
                }
                counters.forEach((name, counter) -> {
                    if (counter.count == least) {
                        leastCounted.add(name);
                    }
                });
                continue;
            }
            Counter counter = counters.get(key);
            if (counter != null && counter.count == least) {
                return key;
            }
        }
    }

    /** The hottest keys, hottest first, with their (over-)estimated counts. */
    public synchronized Map<String, Long> top(int limit) {
        List<Map.Entry<String, Counter>> entries = new ArrayList<>(counters.entrySet());
        entries.sort(Comparator.comparingLong((Map.Entry<String, Counter> entry) -> entry.getValue().count).reversed());
        Map<String, Long> out = new LinkedHashMap<>();
        for (var entry : entries.subList(0, Math.min(limit, entries.size()))) {
            out.put(entry.getKey(), entry.getValue().count);
        }
        return out;
    }

    /** Counts added since the last call, and marks them reported. */
    synchronized Map<String, Long> drainIncrements() {
        Map<String, Long> out = new HashMap<>();
        counters.forEach((key, counter) -> {
            if (counter.count > counter.reported) {
                out.put(key, counter.count - counter.reported);
                counter.reported = counter.count;
            }
        });
        return out;
    }

    /** Reports to the shared store now. */
    public void report(HotKeyStore store) {
        store.report(drainIncrements(), capacity);
    }

    public void startReporting(HotKeyStore store, java.time.Duration every) {
        if (capacity == 0) {
            return;
        }
        reporter = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "cachepipe-hot-keys");
            thread.setDaemon(true);
            return thread;
        });
        reporter.scheduleWithFixedDelay(() -> {
            try {
                report(store);
            } catch (RuntimeException e) {
                log.debug("Reporting hot keys failed (will retry): {}", e.getMessage());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (reporter != null) {
            reporter.shutdownNow();
        }
    }
}
