package io.cachepipe.invalidator;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Headers of a dead-letter record: the original key and value are kept as they were, and these
 * say where the record came from and why it could not be processed, so an operator can replay it.
 */
public final class DeadLetters {
    public static final String REASON = "cachepipe.error.reason";
    public static final String STAGE = "cachepipe.error.stage";
    public static final String SOURCE_TOPIC = "cachepipe.source.topic";
    public static final String SOURCE_PARTITION = "cachepipe.source.partition";
    public static final String SOURCE_OFFSET = "cachepipe.source.offset";

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private DeadLetters() {
    }

    static void describe(Headers headers, String stage, String reason, String topic, int partition, long offset) {
        headers.add(STAGE, bytes(stage));
        headers.add(REASON, bytes(reason));
        headers.add(SOURCE_TOPIC, bytes(topic));
        headers.add(SOURCE_PARTITION, bytes(Integer.toString(partition)));
        headers.add(SOURCE_OFFSET, bytes(Long.toString(offset)));
    }

    /** Forwards a record no rule can process to a dead-letter sink of the topology, as it was read, with the reason. */
    static void forward(ProcessorContext<Object, Object> context, String sink, Record<byte[], byte[]> record, RecordMetadata source,
                        String reason) {
        log.error("Dead-lettering record {}-{}@{}: {}", source.topic(), source.partition(), source.offset(), reason);
        var letter = new Record<Object, Object>(record.key(), record.value(), record.timestamp());
        describe(letter.headers(), "invalidator", reason, source.topic(), source.partition(), source.offset());
        context.forward(letter, sink);
    }

    /** Sends a record whose effects could never be applied to the dead-letter topic, as it was read, with the reason. */
    static void send(Producer<byte[], byte[]> producer, String deadLetterTopic, RecordSource source, String reason) {
        var letter = new ProducerRecord<>(deadLetterTopic, null, source.timestamp(), source.key(), source.value());
        describe(letter.headers(), "invalidator", reason, source.topic(), source.partition(), source.offset());
        producer.send(letter, (written, error) -> {
            if (error != null) {
                log.error("The dead letter of record {}-{}@{} was not written ({}); the record is still at that offset of its topic",
                        source.topic(), source.partition(), source.offset(), error.toString());
            }
        });
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
