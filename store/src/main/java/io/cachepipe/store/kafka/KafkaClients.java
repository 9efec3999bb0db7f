package io.cachepipe.store.kafka;

import io.cachepipe.core.config.KafkaConfig;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The settings every Kafka client cachepipe makes starts from: the bootstrap servers and the user's
 * {@code kafka.properties.*} (security protocol, SASL, TLS, timeouts). Producers, consumers, admins,
 * Kafka Streams and Debezium's engine all begin here, then add what is their own.
 */
public final class KafkaClients {
    private KafkaClients() {
    }

    /** Bootstrap servers and the client settings given: the start of any client's properties. */
    public static Properties properties(KafkaConfig kafka) {
        var props = new Properties();
        props.putAll(kafka.clientProperties());
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return props;
    }

    /**
     * A consumer that reads one of cachepipe's topics by assignment, as an operator's command does: bytes
     * in, no offsets committed, no topic created by asking for it. {@code client} names it in the brokers'
     * logs and quotas ({@code <prefix>-<client>}).
     */
    public static Properties reader(KafkaConfig kafka, String client) {
        var props = properties(kafka);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, kafka.topicPrefix() + "-" + client);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        return props;
    }
}
