package io.cachepipe.testsupport;

import io.cachepipe.devstack.KafkaServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Topics for tests: create them (the dev stack's broker does not auto-create), write a record,
 * and read everything a topic holds. Reading uses {@code read_committed} and stops at the end
 * offsets taken when it starts, so it returns what was committed before the call, no more.
 */
public final class KafkaTopics {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;

    private KafkaTopics(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public static KafkaTopics on(KafkaServer kafka) {
        return new KafkaTopics(kafka.bootstrapServers());
    }

    public static KafkaTopics on(String bootstrapServers) {
        return new KafkaTopics(bootstrapServers);
    }

    /** One partition each; topics that exist already are left as they are. */
    public void create(String... topics) {
        create(1, topics);
    }

    public void create(int partitions, String... topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            for (var result : admin.createTopics(Arrays.stream(topics)
                    .map(topic -> new NewTopic(topic, partitions, (short) 1)).toList()).values().entrySet()) {
                try {
                    result.getValue().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    if (!(cause instanceof TopicExistsException)) {
                        throw new IllegalStateException("Could not create topic " + result.getKey() + " on " + bootstrapServers
                                + ": " + cause.getMessage(), cause);
                    }
                }
            }
        } catch (InterruptedException | TimeoutException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("Timed out creating " + Arrays.toString(topics) + " on " + bootstrapServers, e);
        }
    }

    /** The names of every topic on the broker. */
    public java.util.Set<String> names() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            return admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not list the topics of " + bootstrapServers + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted listing the topics of " + bootstrapServers, e);
        }
    }

    /**
     * Deletes every topic whose name holds {@code token} as a whole word (bounded by the name's ends or
     * by characters other than letters and digits), as a namespace's topics and its Streams
     * applications' internal topics do; answers how many.
     */
    public int deleteNaming(String token) {
        Pattern word = Pattern.compile("(^|[^a-z0-9])" + Pattern.quote(token) + "([^a-z0-9]|$)");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            List<String> named = admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).stream()
                    .filter(topic -> word.matcher(topic).find()).toList();
            if (!named.isEmpty()) {
                admin.deleteTopics(named).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            return named.size();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not delete the topics naming " + token + " on " + bootstrapServers + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted deleting the topics naming " + token + " on " + bootstrapServers, e);
        }
    }

    /** Writes one string record and waits for the broker's acknowledgement. */
    public void send(String topic, @Nullable String key, @Nullable String value) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not send to " + topic + " on " + bootstrapServers + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted sending to " + topic, e);
        }
    }

    /** Every committed record of the topic as strings, partition by partition; empty if the topic does not exist. */
    public List<ConsumerRecord<String, String>> readAll(String topic) {
        return readAll(topic, new StringDeserializer(), new StringDeserializer());
    }

    /** Every committed record of the topic, partition by partition; empty if the topic does not exist. */
    public <K, V> List<ConsumerRecord<K, V>> readAll(String topic, Deserializer<K> keys, Deserializer<V> values) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keys, values)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo partition : consumer.partitionsFor(topic, TIMEOUT)) {
                partitions.add(new TopicPartition(topic, partition.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, TIMEOUT));
            List<ConsumerRecord<K, V>> records = new ArrayList<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey(), TIMEOUT) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Read " + records.size() + " records of " + topic + " in " + TIMEOUT
                            + " but did not reach the end offsets " + end);
                }
                for (ConsumerRecord<K, V> record : consumer.poll(Duration.ofMillis(100))) {
                    Long endOffset = end.get(new TopicPartition(record.topic(), record.partition()));
                    if (endOffset != null && record.offset() < endOffset) {
                        records.add(record);
                    }
                }
            }
            return records;
        }
    }

    /** Waits (see {@link Await}) until the topic holds at least {@code count} records; returns all of them. */
    public List<ConsumerRecord<String, String>> awaitRecords(String topic, int count) {
        return Await.await("at least " + count + " records in " + topic)
                .until(() -> readAll(topic), records -> records.size() >= count);
    }
}
