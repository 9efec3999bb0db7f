package io.cachepipe.store.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.config.ConfigException;
import io.cachepipe.core.config.KafkaConfig;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class KafkaRefusalTest {
    private final KafkaConfig kafka = new KafkaConfig("broker-1:9096", "shop", 3, (short) 3, Map.of(
            "security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN",
            "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";"));

    @Test
    void aWrongPassword_deepInTheCauses_namesTheJaasSettingAndTheBroker() {
        var wrapped = new IllegalStateException("cannot read the lag", new ExecutionException(
                new SaslAuthenticationException("Authentication failed: Invalid username or password")));

        assertThat(problem(KafkaRefusal.of(wrapped, kafka).orElseThrow()))
                .startsWith("kafka.properties.sasl.jaas.config: Kafka at broker-1:9096 (kafka.bootstrap) refused the SASL credentials "
                        + "(Authentication failed: Invalid username or password)")
                .contains("kafka.properties.sasl.mechanism (now PLAIN)")
                .doesNotContain("password=\"p\"");
    }

    @Test
    void aFailedHandshake_namesTheTruststore() {
        assertThat(problem(KafkaRefusal.of(new SslAuthenticationException("SSL handshake failed"), null).orElseThrow()))
                .startsWith("kafka.properties.ssl.truststore.location: the TLS handshake with Kafka failed (SSL handshake failed)");
    }

    @Test
    void kafkaNotAnswering_isNoConfigurationProblem() {
        assertThat(KafkaRefusal.of(new ExecutionException(new TimeoutException("Timed out waiting for a node assignment")), kafka))
                .isEmpty();
    }

    private static String problem(ConfigException refused) {
        assertThat(refused.problems()).hasSize(1);
        return refused.problems().getFirst();
    }
}
