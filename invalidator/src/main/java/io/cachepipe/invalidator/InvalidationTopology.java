package io.cachepipe.invalidator;

import io.cachepipe.core.change.ChangeEnvelopes;
import io.cachepipe.core.kafka.Topic;
import io.cachepipe.core.kafka.WarmRequest;
import io.cachepipe.core.view.ChangeMapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;

/**
 * The invalidator as a pure function from its inputs to a {@link Topology}: {@code main} wires it to
 * Kafka, unit tests drive the very same topology with {@code TopologyTestDriver}.
 *
 * <pre>
 *   change topics ──▶ invalidate ──▶ warm topic      (key = Redis key, value = warm request)
 *                           └──────▶ dead-letter topic (records no rule can process, with the reason)
 * </pre>
 */
public final class InvalidationTopology {
    static final String SOURCE = "changes";
    static final String PROCESSOR = "invalidate";
    static final String WARM_SINK = "warm-requests";
    static final String DEAD_LETTER_SINK = "dead-letters";

    private InvalidationTopology() {
    }

    public static Topology build(List<String> changeTopics, Topic<String, WarmRequest> warm, String deadLetterTopic,
                                 ChangeEnvelopes envelopes, ChangeMapper mapper, Invalidation invalidation,
                                 MeterRegistry metrics, Clock clock) {
        var topology = new Topology();
        topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                changeTopics.toArray(String[]::new));
        topology.addProcessor(PROCESSOR, () -> new ChangeProcessor(envelopes, mapper, invalidation, metrics, clock), SOURCE);
        topology.addSink(WARM_SINK, warm.name(), warm.keySerde().serializer(), warm.valueSerde().serializer(), PROCESSOR);
        topology.addSink(DEAD_LETTER_SINK, deadLetterTopic, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), PROCESSOR);
        return topology;
    }
}
