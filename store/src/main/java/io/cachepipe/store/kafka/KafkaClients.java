package io.cachepipe.store.kafka;

import io.cachepipe.core.config.KafkaConfig;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;

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
}
