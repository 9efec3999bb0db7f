package io.cachepipe.invalidator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachepipe.store.kafka.Watermarks;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.jspecify.annotations.Nullable;

/**
 * One watermark in (from the watermark topic, as cdc-capture published it): handed to
 * {@link ChangeEffects} to be recorded in Redis with the batch it joins. A record that is not a
 * watermark goes to the dead-letter topic with the reason.
 */
final class WatermarkProcessor implements Processor<byte[], byte[], Object, Object> {
    private final ObjectMapper json;
    private final ChangeEffects effects;
    private @Nullable ProcessorContext<Object, Object> context;

    WatermarkProcessor(ObjectMapper json, ChangeEffects effects) {
        this.json = json;
        this.effects = effects;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Watermarks.Watermark watermark;
        try {
            watermark = Watermarks.decode(json, record.value());
        } catch (IllegalArgumentException e) {
            if (context == null) {
                throw new IllegalStateException("processor used before init", e);
            }
            RecordMetadata source = context.recordMetadata().orElseThrow();
            DeadLetters.forward(context, InvalidationTopology.WATERMARK_DEAD_LETTER_SINK, record, source, "not a watermark: " + e.getMessage());
            return;
        }
        effects.watermark(watermark);
    }
}
