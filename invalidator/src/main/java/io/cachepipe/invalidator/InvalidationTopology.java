package io.cachepipe.invalidator;

import io.cachepipe.core.change.ChangeEnvelopes;
import io.cachepipe.core.kafka.Topic;
import io.cachepipe.core.kafka.WarmRequest;
import io.cachepipe.core.view.ChangeMapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The invalidator as a pure function from its inputs to a {@link Topology}: {@code main} wires it to
 * Kafka, unit tests drive the very same topology with {@code TopologyTestDriver}.
 *
 * <pre>
 *   change topics ──▶ invalidate ──▶ coalesce ──▶ warm topic  (key = Redis key, one request per key and window)
 *                           └──────▶ dead-letter topic (records no rule can process, with the reason)
 * </pre>
 */
public final class InvalidationTopology {
    static final String SOURCE = "changes";
    static final String PROCESSOR = "invalidate";
    static final String COALESCER = "coalesce";
    static final String WARM_SINK = "warm-requests";
    static final String DEAD_LETTER_SINK = "dead-letters";

    private InvalidationTopology() {
    }

    /**
     * @param coalesceWindow how long warm requests are held to send one per key; zero sends each at once
     * @param held           counts the warm requests held by this topology's coalescers right now
     */
    public static Topology build(List<String> changeTopics, Topic<String, WarmRequest> warm, String deadLetterTopic,
                                 ChangeEnvelopes envelopes, ChangeMapper mapper, Invalidation invalidation,
                                 Duration coalesceWindow, AtomicLong held, MeterRegistry metrics, Clock clock) {
        var topology = new Topology();
        topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                changeTopics.toArray(String[]::new));
        boolean coalescing = !coalesceWindow.isZero();
        String warmChild = coalescing ? COALESCER : WARM_SINK;
        topology.addProcessor(PROCESSOR,
                () -> new ChangeProcessor(envelopes, mapper, invalidation, warmChild, metrics, clock), SOURCE);
        if (!coalescing) {
            topology.addSink(WARM_SINK, warm.name(), warm.keySerde().serializer(), warm.valueSerde().serializer(), PROCESSOR);
        } else {
            topology.addProcessor(COALESCER, () -> new WarmCoalescer(coalesceWindow, metrics, held), PROCESSOR);
            WarmCoalescer.registerReloadRatio(metrics);
            topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(WarmCoalescer.STORE),
                    warm.keySerde(), warm.valueSerde()), COALESCER);
            topology.addSink(WARM_SINK, warm.name(), warm.keySerde().serializer(), warm.valueSerde().serializer(), COALESCER);
        }
        topology.addSink(DEAD_LETTER_SINK, deadLetterTopic, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), PROCESSOR);
        return topology;
    }
}
