package io.cachepipe.invalidator;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

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

    private DeadLetters() {
    }

    static void describe(Headers headers, String stage, String reason, String topic, int partition, long offset) {
        headers.add(STAGE, bytes(stage));
        headers.add(REASON, bytes(reason));
        headers.add(SOURCE_TOPIC, bytes(topic));
        headers.add(SOURCE_PARTITION, bytes(Integer.toString(partition)));
        headers.add(SOURCE_OFFSET, bytes(Long.toString(offset)));
    }

    /** Sends a record whose effects could never be applied to the dead-letter topic, as it was read, with the reason. */
    static void send(Producer<byte[], byte[]> producer, String deadLetterTopic, RecordSource source, String reason) {
        var letter = new ProducerRecord<>(deadLetterTopic, null, source.timestamp(), source.key(), source.value());
        describe(letter.headers(), "invalidator", reason, source.topic(), source.partition(), source.offset());
        producer.send(letter);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
