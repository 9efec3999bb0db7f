package io.cachepipe.invalidator;

import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.WarmRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

/**
 * Sends warm requests to the warm topic, one per key and window: a row changed hundreds of times a
 * second causes one reload per window, not hundreds. Of several requests for a key the newest version
 * wins, since the warmer's write is guarded by it. What is held is in memory only, which is safe
 * because {@link #flush()} sends it all and waits for Kafka before the invalidator commits the offsets
 * of the changes that asked for it ({@link CommitBarrier}): a crash loses nothing that was committed.
 *
 * <p>A key of a paced view (a {@code refresh} view, whose readers are served the superseded value
 * until its re-warm lands) sent less than {@code rewarmInterval} ago is held until that interval has
 * passed since its last send (or the next commit, whichever comes first): a key changed once waits one
 * window, as before, while one changed continually (a category's aggregate under a busy writer) is
 * reloaded a few times a second, not once per change, so the database's work for such re-warms stops
 * growing with the change rate. Keys of {@code invalidate} views are not paced: their readers miss
 * until the re-warm lands, and holding it measurably lowered the hit rate. The invalidation itself is
 * never held, only the reload that follows it.
 */
final class WarmRequests implements AutoCloseable {
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Serializer<WarmRequest> serializer;
    private final Duration window;
    private final long rewarmIntervalNanos;
    private final Set<String> pacedViews;
    private final LongSupplier nanoClock;
    private final Counter received;
    private final Counter sent;
    private final Gauge heldGauge;
    private final Gauge reloadRatio;
    private final MeterRegistry metrics;
    private final AtomicReference<@Nullable Exception> failure = new AtomicReference<>();
    private final @Nullable ScheduledExecutorService timer;
    private final Map<String, Held> held = new LinkedHashMap<>(); // guarded by this
    /** When each key was last sent, oldest first; keys sent longer than the re-warm interval ago leave it. Guarded by this. */
    private final LinkedHashMap<String, Long> lastSent = new LinkedHashMap<>();

    /** A request waiting to be sent, and the earliest time ({@link System#nanoTime()}) it may go. */
    private record Held(WarmRequest request, long dueNanos) {
        Held newer(Held other) {
            return new Held(request.newer(other.request), dueNanos);
        }
    }

    /**
     * How requests are held.
     *
     * @param window         how long requests are held to send one per key; zero sends each at once
     * @param rewarmInterval the least time between two sends of one key of {@code pacedViews} (zero: one window);
     *                       only with a window
     */
    record Holding(Duration window, Duration rewarmInterval, Set<String> pacedViews) {
        Holding {
            pacedViews = Set.copyOf(pacedViews);
        }

        /** One request per key and window, none paced. */
        static Holding window(Duration window) {
            return new Holding(window, Duration.ZERO, Set.of());
        }
    }

    WarmRequests(Producer<byte[], byte[]> producer, String topic, Serializer<WarmRequest> serializer, Holding holding,
                 MeterRegistry metrics) {
        this(producer, topic, serializer, holding, metrics, System::nanoTime);
    }

    WarmRequests(Producer<byte[], byte[]> producer, String topic, Serializer<WarmRequest> serializer, Holding holding,
                 MeterRegistry metrics, LongSupplier nanoClock) {
        this.producer = producer;
        this.topic = topic;
        this.serializer = serializer;
        this.window = holding.window();
        this.rewarmIntervalNanos = holding.rewarmInterval().toNanos();
        this.pacedViews = holding.pacedViews();
        this.nanoClock = nanoClock;
        this.metrics = metrics;
        this.received = Counter.builder(MetricNames.WARM_REQUESTS).tag("stage", "received")
                .description("warm requests the invalidator's changes asked for").register(metrics);
        this.sent = Counter.builder(MetricNames.WARM_REQUESTS).tag("stage", "sent")
                .description("warm requests sent to the warm topic, one per key and coalescing window").register(metrics);
        this.heldGauge = Gauge.builder(MetricNames.WARM_REQUESTS_HELD, this, WarmRequests::held)
                .description("warm requests held for coalescing, not yet sent").register(metrics);
        this.reloadRatio = Gauge.builder(MetricNames.WARM_RELOAD_RATIO, this, WarmRequests::reloadRatio)
                .description("warm requests sent (reloads) per warm request received (changes of cached keys)").register(metrics);
        if (window.isZero()) {
            this.timer = null;
        } else {
            this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> Thread.ofPlatform().daemon()
                    .name("cachepipe-warm-requests").unstarted(runnable));
            this.timer.scheduleWithFixedDelay(this::sendHeldOnTime, window.toMillis(), window.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Asks for a key to be re-warmed at this version (or a newer one already asked for). */
    void request(String redisKey, WarmRequest request) {
        received.increment();
        if (timer == null) {
            send(redisKey, request);
            return;
        }
        synchronized (this) {
            long now = nanoClock.getAsLong();
            held.merge(redisKey, new Held(request, isPaced(request) ? dueAt(redisKey, now) : now), Held::newer);
        }
    }

    private boolean isPaced(WarmRequest request) {
        return rewarmIntervalNanos > 0 && pacedViews.contains(request.view());
    }

    /** When a request for a key of a paced view may go: at the next tick, or once the interval since its last send has passed. */
    private long dueAt(String redisKey, long now) {
        Long sentAt = lastSent.get(redisKey);
        return sentAt == null ? now : sentAt + rewarmIntervalNanos;
    }

    /** Sends everything held, due or not, and waits until Kafka has acknowledged every request sent so far. */
    void flush() {
        awaitSent();
        Exception failed = failure.getAndSet(null);
        if (failed != null) {
            throw new IllegalStateException("Kafka refused a warm request to " + topic + ": " + failed.getMessage(), failed);
        }
    }

    /**
     * Sends everything held and waits until Kafka has answered every request sent so far, without
     * reporting a refusal: that stays for {@link #flush()}, which must fail the commit it guards.
     */
    void awaitSent() {
        sendHeld(true);
        producer.flush();
    }

    /** Requests held right now, for the gauge; zero once every request received has been sent. */
    synchronized long held() {
        return held.size();
    }

    private double reloadRatio() {
        double asked = received.count();
        return asked == 0 ? Double.NaN : sent.count() / asked;
    }

    /**
     * The timer's send: a failure (Kafka's buffer full past max.block.ms) must not end the schedule;
     * it fails the next {@link #flush()}, so nothing is committed, and what was not sent is sent then.
     */
    private void sendHeldOnTime() {
        try {
            sendDue();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    /** The timer's tick: sends the requests that are due. */
    void sendDue() {
        sendHeld(false);
    }

    /**
     * Sends what is due ({@code all}: everything held) under the lock, so that a {@link #flush()} never
     * returns while the timer is half-way through.
     */
    private synchronized void sendHeld(boolean all) {
        long now = nanoClock.getAsLong();
        for (var entries = held.entrySet().iterator(); entries.hasNext(); ) {
            Map.Entry<String, Held> entry = entries.next();
            String redisKey = entry.getKey();
            Held waiting = entry.getValue();
            if (all || now - waiting.dueNanos() >= 0) {
                entries.remove();
                send(redisKey, waiting.request());
                if (isPaced(waiting.request())) {
                    lastSent.remove(redisKey); // re-inserted at the end: the map stays in order of sending
                    lastSent.put(redisKey, now);
                }
            }
        }
        for (var sends = lastSent.values().iterator(); sends.hasNext() && now - sends.next() >= rewarmIntervalNanos; ) {
            sends.remove();
        }
    }

    private void send(String redisKey, WarmRequest request) {
        var record = new ProducerRecord<>(topic, redisKey.getBytes(StandardCharsets.UTF_8), serializer.serialize(topic, request));
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
        });
        sent.increment();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        metrics.remove(heldGauge);
        metrics.remove(reloadRatio);
    }
}
