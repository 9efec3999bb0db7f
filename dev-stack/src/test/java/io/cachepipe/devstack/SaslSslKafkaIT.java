package io.cachepipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SASL_SSL-only broker: TLS and the right password get in; plain TCP and a wrong password do not. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SaslSslKafkaIT {
    private static SaslSslKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = SaslSslKafka.start(Path.of("target", "sasl-ssl-kafka-it", Long.toString(System.nanoTime())));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theRightPassword_overTlsWithHostNameCheck_createsATopic() throws Exception {
        long failedBefore = kafka.authentications().failed();
        try (Admin admin = admin(kafka.clientProperties(), 10_000)) {
            admin.createTopics(List.of(new NewTopic("secured", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("secured");
        }
        assertThat(kafka.authentications().successful()).isPositive();
        assertThat(kafka.authentications().failed()).isEqualTo(failedBefore);
    }

    @Test
    void aWrongPassword_isRefusedAtOnce() {
        try (Admin admin = admin(kafka.clientPropertiesWithPassword("wrong"), 30_000)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void aPlaintextClient_getsNoAnswer_andCountsAsAFailedAuthentication() {
        long failedBefore = kafka.authentications().failed();
        try (Admin admin = admin(Map.of(), 3_000)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
        assertThat(kafka.authentications().failed()).isGreaterThan(failedBefore);
    }

    private static Admin admin(Map<String, String> security, int timeoutMillis) {
        Map<String, Object> config = new HashMap<>(security);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMillis);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMillis);
        return Admin.create(config);
    }
}
