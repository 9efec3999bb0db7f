package io.cachepipe.store.kafka;

import io.cachepipe.core.config.ConfigException;
import io.cachepipe.core.config.KafkaConfig;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.jspecify.annotations.Nullable;

/**
 * A Kafka client's failure to authenticate, told as the configuration problem it is. Kafka's own
 * message ("Authentication failed: Invalid username or password") names neither the broker nor the
 * setting, and a process that retried it would wait forever for a password that will not change:
 * callers that wait for Kafka at start-up turn it into a {@link ConfigException} that names the
 * {@code kafka.properties.*} setting to fix, and stop.
 */
public final class KafkaRefusal {
    private KafkaRefusal() {
    }

    /**
     * The configuration problem behind {@code failure} (or any of its causes), if it is an authentication failure.
     *
     * @param kafka the settings the failed client was made from, for the broker address and the mechanism in the
     *              message; null where they are not at hand (the message then names only the setting)
     */
    public static Optional<ConfigException> of(Throwable failure, @Nullable KafkaConfig kafka) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof AuthenticationException refused) {
                return Optional.of(new ConfigException(problem(refused, kafka)));
            }
        }
        return Optional.empty();
    }

    /** Throws the configuration problem behind {@code failure}, if there is one; else returns. */
    public static void throwIfRefused(Throwable failure, @Nullable KafkaConfig kafka) {
        Optional<ConfigException> problem = of(failure, kafka);
        if (problem.isPresent()) {
            throw problem.get();
        }
    }

    private static String problem(AuthenticationException refused, @Nullable KafkaConfig kafka) {
        String where = kafka == null ? "Kafka" : "Kafka at " + kafka.bootstrapServers() + " (kafka.bootstrap)";
        String said = refused.getMessage() == null ? refused.getClass().getSimpleName() : refused.getMessage();
        if (refused instanceof SaslAuthenticationException) {
            return setting(SaslConfigs.SASL_JAAS_CONFIG) + ": " + where + " refused the SASL credentials (" + said
                    + "). Check the user name and password in " + setting(SaslConfigs.SASL_JAAS_CONFIG) + " and the mechanism in "
                    + setting(SaslConfigs.SASL_MECHANISM) + " (" + shown(kafka, SaslConfigs.SASL_MECHANISM, "GSSAPI") + ")";
        }
        if (refused instanceof SslAuthenticationException) {
            return setting(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG) + ": the TLS handshake with " + where + " failed (" + said
                    + "). Check that " + setting(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG) + " (with its password and "
                    + setting(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG) + ") holds the CA that signed the broker's certificate, "
                    + "and that the certificate names the host in kafka.bootstrap";
        }
        return setting(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG) + ": " + where + " did not accept cachepipe's "
                + "authentication (" + said + "). Check " + setting(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG) + " ("
                + shown(kafka, CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT") + ") and "
                + setting(SaslConfigs.SASL_MECHANISM) + " against what the broker's listener offers";
    }

    private static String setting(String clientProperty) {
        return KafkaConfig.CLIENT_PROPERTIES + clientProperty;
    }

    private static String shown(@Nullable KafkaConfig kafka, String clientProperty, String kafkaDefault) {
        if (kafka == null) {
            return "as set";
        }
        String value = kafka.clientProperties().get(clientProperty);
        return value == null ? "unset, so " + kafkaDefault : "now " + value;
    }
}
