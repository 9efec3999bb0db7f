package io.cachepipe.devstack;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * A KRaft broker in this JVM that clients can reach only over SASL_SSL (SASL/PLAIN inside TLS), as on
 * a managed Kafka service: for tests that show cachepipe's {@code kafka.properties.*} reach every
 * Kafka client it makes. Its certificates come from a CA made at start ({@code keytool}, no network);
 * the broker certificate names {@code localhost} and {@code 127.0.0.1}, so clients keep the default
 * host name check. There is no PLAINTEXT listener for clients: the only other one is the controller's,
 * which clients are never told of. The dev stack's own broker is not affected.
 *
 * <pre>{@code
 * try (SaslSslKafka kafka = SaslSslKafka.start(Path.of("target/sasl-ssl-kafka"))) {
 *     settings.put("kafka.bootstrap", kafka.bootstrapServers());
 *     kafka.clientProperties().forEach((key, value) -> settings.put("kafka.properties." + key, value));
 * }
 * }</pre>
 */
public final class SaslSslKafka implements KafkaServer, AutoCloseable {
    /** The one client user the broker knows. */
    public static final String USER = "cachepipe";
    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EmbeddedKafkaServer server;
    private final SaslSslListener listener;

    private SaslSslKafka(EmbeddedKafkaServer server, SaslSslListener listener) {
        this.server = server;
        this.listener = listener;
    }

    /**
     * Makes new certificates and passwords, starts the broker on a free loopback port and waits until
     * it answers over SASL_SSL. A directory kept from an earlier start keeps its topics.
     */
    public static SaslSslKafka start(Path dataDir) {
        Path root = dataDir.toAbsolutePath();
        KafkaTls tls = KafkaTls.generate(root.resolve("tls"), secret());
        var listener = new SaslSslListener(tls, USER, secret(), secret());
        var server = new EmbeddedKafkaServer(root, 0, listener);
        server.boot();
        return new SaslSslKafka(server, listener);
    }

    private static String secret() {
        StringBuilder secret = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            secret.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return secret.toString();
    }

    /** The SASL_SSL listener, {@code 127.0.0.1:port}. */
    @Override
    public String bootstrapServers() {
        return server.bootstrapServers();
    }

    public String password() {
        return listener.password();
    }

    /**
     * The Kafka client settings that get through: {@code security.protocol}, {@code sasl.mechanism},
     * {@code sasl.jaas.config} and {@code ssl.truststore.location/password/type}; the keys an operator
     * writes after {@code kafka.properties.}.
     */
    public Map<String, String> clientProperties() {
        return listener.clientProperties(listener.password());
    }

    /** The same settings with another password in {@code sasl.jaas.config}: the broker refuses them. */
    public Map<String, String> clientPropertiesWithPassword(String password) {
        return listener.clientProperties(password);
    }

    /** Authentications the broker counted on its SASL_SSL listener since it started. */
    public record Authentications(long successful, long failed) {
    }

    /**
     * Read from the broker's JMX meters ({@code kafka.server:type=socket-server-metrics}): a client that
     * tried to connect without TLS or with the wrong credentials is a failed one.
     */
    public Authentications authentications() {
        MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
        try {
            long successful = 0;
            long failed = 0;
            ObjectName pattern = new ObjectName("kafka.server:type=socket-server-metrics,listener="
                    + KafkaBrokerConfig.SECURED_LISTENER + ",networkProcessor=*");
            for (ObjectName name : beans.queryNames(pattern, null)) {
                successful += ((Number) beans.getAttribute(name, "successful-authentication-total")).longValue();
                failed += ((Number) beans.getAttribute(name, "failed-authentication-total")).longValue();
            }
            return new Authentications(successful, failed);
        } catch (JMException e) {
            throw new DevStackException("Could not read Kafka's authentication meters: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return server.name();
    }

    @Override
    public boolean isRunning() {
        return server.isRunning();
    }

    @Override
    public void stop() {
        server.stop();
    }

    @Override
    public void start() {
        server.start();
    }

    /** Stops the broker; its directory stays. */
    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "SaslSslKafka[" + bootstrapServers() + ", user " + USER + "]";
    }
}
