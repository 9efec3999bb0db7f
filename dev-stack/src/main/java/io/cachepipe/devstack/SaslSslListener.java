package io.cachepipe.devstack;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * An embedded broker's SASL_SSL listener: the broker settings that open it, and the client settings
 * that get through it (the same keys an operator writes as {@code kafka.properties.*}).
 *
 * @param user           the one client user the broker knows besides itself
 * @param password       that user's password
 * @param brokerPassword the broker's own, for its connections to itself
 */
record SaslSslListener(KafkaTls tls, String user, String password, String brokerPassword) implements BrokerListeners {

    @Override
    public Properties brokerProperties(Path logDir, int port, int controllerPort) {
        return KafkaBrokerConfig.saslSsl(logDir, port, controllerPort, tls, Map.of(user, password), brokerPassword);
    }

    @Override
    public Map<String, String> probeProperties() {
        return clientProperties(password);
    }

    /** What a client sets to connect as {@link #user()} with {@code withPassword}, right or wrong. */
    Map<String, String> clientProperties(String withPassword) {
        Map<String, String> client = new LinkedHashMap<>();
        client.put("security.protocol", "SASL_SSL");
        client.put("sasl.mechanism", KafkaBrokerConfig.SASL_MECHANISM);
        client.put("sasl.jaas.config", KafkaBrokerConfig.PLAIN_LOGIN_MODULE + " required username=\"" + user
                + "\" password=\"" + withPassword + "\";");
        client.put("ssl.truststore.location", tls.truststore().toString());
        client.put("ssl.truststore.password", tls.password());
        client.put("ssl.truststore.type", KafkaTls.STORE_TYPE);
        return client;
    }

    @Override
    public String toString() {
        return "SaslSslListener[user=" + user + ", password=****, tls=" + tls + "]";
    }
}
