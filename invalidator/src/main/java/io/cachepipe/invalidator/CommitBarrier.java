package io.cachepipe.invalidator;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

/**
 * Kafka Streams' clients with one difference: a stream thread's offset commit first waits until
 * every change handed to {@link ChangeEffects} so far is applied ({@link ChangeEffects#awaitApplied()}).
 *
 * <p>Why here: a Kafka Streams processor sees one record at a time and gets no call before its task
 * commits (in Kafka 4.3 a state store's {@code commit} runs after the offsets are committed), so a
 * processor that applies effects asynchronously, many records at once, has no other point at which to
 * hold the commit back. The main consumer's {@code commitSync}/{@code commitAsync} is that point for
 * every commit Streams makes: on the commit interval, on rebalance and on close. If the effects cannot
 * be applied in time the commit throws, nothing is committed, and the stream thread is replaced and
 * resumes from the last committed offsets, as after a crash.
 */
final class CommitBarrier implements KafkaClientSupplier {
    private static final Set<String> COMMITS = Set.of("commitSync", "commitAsync");

    private final ChangeEffects effects;

    CommitBarrier(ChangeEffects effects) {
        this.effects = effects;
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        @SuppressWarnings("unchecked")
        Consumer<byte[], byte[]> guarded = (Consumer<byte[], byte[]>) Proxy.newProxyInstance(Consumer.class.getClassLoader(),
                new Class<?>[] {Consumer.class}, (proxy, method, args) -> {
                    if (COMMITS.contains(method.getName())) {
                        effects.awaitApplied();
                    }
                    try {
                        return method.invoke(consumer, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return guarded;
    }

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
