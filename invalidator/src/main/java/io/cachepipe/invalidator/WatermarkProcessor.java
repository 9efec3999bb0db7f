package io.cachepipe.invalidator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachepipe.store.kafka.SchemaChangeNotice;
import io.cachepipe.store.kafka.SlotLossNotice;
import io.cachepipe.store.kafka.Watermarks;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.jspecify.annotations.Nullable;

/**
 * One watermark in (from the watermark topic, as cdc-capture published it): handed to
 * {@link ChangeEffects} to be recorded in Redis with the batch it joins. A {@link SlotLossNotice} or a
 * {@link SchemaChangeNotice} (the same topic, each its own key) goes to its handler. A record that is
 * none of them goes to the dead-letter topic with the reason.
 */
final class WatermarkProcessor implements Processor<byte[], byte[], Object, Object> {
    private final ObjectMapper json;
    private final ChangeEffects effects;
    private final Consumer<SlotLossNotice> slotLoss;
    private final Consumer<SchemaChangeNotice> schemaChange;
    private @Nullable ProcessorContext<Object, Object> context;

    WatermarkProcessor(ObjectMapper json, ChangeEffects effects, Consumer<SlotLossNotice> slotLoss, Consumer<SchemaChangeNotice> schemaChange) {
        this.json = json;
        this.effects = effects;
        this.slotLoss = slotLoss;
        this.schemaChange = schemaChange;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        try {
            if (SlotLossNotice.isNotice(record.key())) {
                slotLoss.accept(SlotLossNotice.decode(json, record.value()));
            } else if (SchemaChangeNotice.isNotice(record.key())) {
                schemaChange.accept(SchemaChangeNotice.decode(json, record.value()));
            } else {
                effects.watermark(Watermarks.decode(json, record.value()));
            }
        } catch (IllegalArgumentException e) {
            if (context == null) {
                throw new IllegalStateException("processor used before init", e);
            }
            RecordMetadata source = context.recordMetadata().orElseThrow();
            DeadLetters.forward(context, InvalidationTopology.WATERMARK_DEAD_LETTER_SINK, record, source,
                    "neither a watermark nor a slot loss or schema change notice: " + e.getMessage());
        }
    }
}
