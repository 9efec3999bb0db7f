package io.cachepipe.invalidator;

import io.cachepipe.core.change.ChangeEnvelopes;
import io.cachepipe.core.view.ChangeMapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;

/**
 * The invalidator as a pure function from its inputs to a {@link Topology}: {@code main} wires it to
 * Kafka, unit tests drive the very same topology with {@code TopologyTestDriver}.
 *
 * <pre>
 *   change topics ──▶ invalidate ──▶ ChangeEffects (batched: Redis, then the warm topic; see {@link RedisEffects})
 *                           └──────▶ dead-letter topic (records no rule can process, with the reason)
 * </pre>
 *
 * Warm requests do not flow through the topology: they depend on what Redis answered for a whole
 * batch of changes, which arrives after the records were processed, so {@link WarmRequests} sends
 * them, and {@link CommitBarrier} holds the offset commit until they are acknowledged.
 */
public final class InvalidationTopology {
    static final String SOURCE = "changes";
    static final String PROCESSOR = "invalidate";
    static final String DEAD_LETTER_SINK = "dead-letters";

    private InvalidationTopology() {
    }

    static Topology build(List<String> changeTopics, String deadLetterTopic, ChangeEnvelopes envelopes, ChangeMapper mapper,
                          ChangeEffects effects, MeterRegistry metrics) {
        var topology = new Topology();
        topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                changeTopics.toArray(String[]::new));
        topology.addProcessor(PROCESSOR, () -> new ChangeProcessor(envelopes, mapper, effects, metrics), SOURCE);
        topology.addSink(DEAD_LETTER_SINK, deadLetterTopic, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), PROCESSOR);
        return topology;
    }
}
