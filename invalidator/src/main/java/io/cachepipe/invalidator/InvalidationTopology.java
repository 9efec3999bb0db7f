package io.cachepipe.invalidator;

import io.cachepipe.core.change.ChangeEnvelopes;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.view.ChangeMapper;
import io.cachepipe.store.kafka.SchemaChangeNotice;
import io.cachepipe.store.kafka.SlotLossNotice;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;

/**
 * The invalidator as a pure function from its inputs to a {@link Topology}: {@code main} wires it to
 * Kafka, unit tests drive the very same topology with {@code TopologyTestDriver}.
 *
 * <pre>
 *   change topics ──▶ invalidate ──▶ ChangeEffects (batched: Redis, then the warm topic; see {@link RedisEffects})
 *                           └──────▶ dead-letter topic (records no rule can process, with the reason)
 *   watermark topic ─▶ watermark ──▶ ChangeEffects (recorded in Redis with the next batch; see Watermarks)
 *                    ├ slot loss ──▶ every cached value dropped (SlotLossFlush)
 *                    └ schema change ▶ the cached values of the views reading the altered table dropped (SchemaChangeFlush)
 * </pre>
 *
 * Warm requests do not flow through the topology: they depend on what Redis answered for a whole
 * batch of changes, which arrives after the records were processed, so {@link WarmRequests} sends
 * them, and {@link CommitBarrier} holds the offset commit until they are acknowledged.
 */
public final class InvalidationTopology {
    static final String SOURCE = "changes";
    static final String PROCESSOR = "invalidate";
    static final String WATERMARK_SOURCE = "watermarks";
    static final String WATERMARK_PROCESSOR = "record-watermark";
    static final String DEAD_LETTER_SINK = "dead-letters";
    static final String WATERMARK_DEAD_LETTER_SINK = "watermark-dead-letters";

    private InvalidationTopology() {
    }

    static Topology build(List<String> changeTopics, String watermarkTopic, String deadLetterTopic, ChangeEnvelopes envelopes,
                          ChangeMapper mapper, ChangeEffects effects, Consumer<SlotLossNotice> slotLoss,
                          Consumer<SchemaChangeNotice> schemaChange, MeterRegistry metrics) {
        var topology = new Topology();
        topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                changeTopics.toArray(String[]::new));
        topology.addProcessor(PROCESSOR, () -> new ChangeProcessor(envelopes, mapper, effects, metrics), SOURCE);
        topology.addSource(WATERMARK_SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), watermarkTopic);
        topology.addProcessor(WATERMARK_PROCESSOR, () -> new WatermarkProcessor(Json.mapper(), effects, slotLoss, schemaChange), WATERMARK_SOURCE);
        topology.addSink(DEAD_LETTER_SINK, deadLetterTopic, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), PROCESSOR);
        // A sink of its own: one shared with the change processor would join both into one sub-topology,
        // whose source topics Kafka Streams would then require to have the same number of partitions.
        topology.addSink(WATERMARK_DEAD_LETTER_SINK, deadLetterTopic, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(),
                WATERMARK_PROCESSOR);
        return topology;
    }
}
