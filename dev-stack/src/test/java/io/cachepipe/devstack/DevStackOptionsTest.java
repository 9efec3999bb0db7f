package io.cachepipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.cachepipe.devstack.DevStackOptions.Provider;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DevStackOptionsTest {
    private static final Path DIR = Path.of("target/dev-stack");

    @Test
    void defaults_areValid_autoWithFreePorts() {
        DevStackOptions options = DevStackOptions.defaults(DIR);

        assertThat(options.provider()).isEqualTo(Provider.AUTO);
        assertThat(options.postgresPort()).isZero();
        assertThat(options.externalServersConfigured()).isFalse();
    }

    @Test
    void everyProblem_isReportedInOneMessage_namingKeyAndValue() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new DevStackOptions(null, Provider.EXTERNAL, 70_000, -1, 70_000,
                        "postgres://db/x", null, null, "kafka", "http://cache:6379"))
                .withMessageStartingWith("Invalid dev stack options (9 problems)")
                .withMessageContaining("dataDir (CACHEPIPE_DEVSTACK_DIR) must be set")
                .withMessageContaining("postgresPort (CACHEPIPE_DEVSTACK_POSTGRES_PORT) was 70000")
                .withMessageContaining("kafkaPort (CACHEPIPE_DEVSTACK_KAFKA_PORT) was -1")
                .withMessageContaining("redisPort (CACHEPIPE_DEVSTACK_REDIS_PORT) was 70000")
                .withMessageContaining("postgresPort and redisPort were both 70000")
                .withMessageContaining("externalPostgresUrl (CACHEPIPE_DEVSTACK_POSTGRES_URL) was 'postgres://db/x'")
                .withMessageContaining("externalKafkaBootstrap (CACHEPIPE_DEVSTACK_KAFKA_BOOTSTRAP) was 'kafka': expected host:port")
                .withMessageContaining("externalRedisUrl (CACHEPIPE_DEVSTACK_REDIS_URL) was 'http://cache:6379'")
                .withMessageContaining("have no effect on external servers");
    }

    @Test
    void externalProvider_needsAllThreeServers() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new DevStackOptions(DIR, Provider.EXTERNAL, 0, 0, 0,
                        "jdbc:postgresql://db:5432/app", null, null, null, null))
                .withMessageContaining("provider EXTERNAL needs all three servers; missing "
                        + "externalKafkaBootstrap (CACHEPIPE_DEVSTACK_KAFKA_BOOTSTRAP), externalRedisUrl (CACHEPIPE_DEVSTACK_REDIS_URL)");
    }

    @Test
    void auto_withSomeExternalServers_isAnError_notSilentlyIgnored() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new DevStackOptions(DIR, Provider.AUTO, 0, 0, 0,
                        null, null, null, "kafka:9092", null))
                .withMessageContaining("provider AUTO uses external servers only when all three are set")
                .withMessageContaining("externalKafkaBootstrap (CACHEPIPE_DEVSTACK_KAFKA_BOOTSTRAP) set");
    }

    @Test
    void embedded_acceptsFixedPorts_andExternalUrlsItWillNotUse() {
        DevStackOptions options = new DevStackOptions(DIR, Provider.EMBEDDED, 5433, 9093, 6380,
                "jdbc:postgresql://db/app", "app", "secret", "kafka:9092", "redis://cache");

        assertThat(options.externalServersConfigured()).isTrue();
        assertThat(options.postgresUser()).isEqualTo("app");
    }

    @Test
    void toString_masksPasswords() {
        DevStackOptions options = new DevStackOptions(DIR, Provider.EXTERNAL, 0, 0, 0,
                "jdbc:postgresql://db/app", "app", "s3cret", "kafka:9092", "redis://user:r3dis@cache:6379/2");

        assertThat(options.toString())
                .contains("externalPostgresPassword=****", "redis://user:****@cache:6379/2")
                .doesNotContain("s3cret", "r3dis");
    }

    @Test
    void badRedisUrl_isReportedWithItsPasswordMasked() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new DevStackOptions(DIR, Provider.EMBEDDED, 0, 0, 0, null, null, null, null,
                        "redis://:hunter2@cache:6379/not-a-number"))
                .withMessageContaining("redis://:****@cache:6379/not-a-number")
                .withMessageNotContaining("hunter2");
    }

    @Test
    void externalUser_andPassword_defaultToPostgres() {
        DevStackOptions options = new DevStackOptions(DIR, Provider.EXTERNAL, 0, 0, 0,
                "jdbc:postgresql://db/app", null, null, "kafka:9092", "redis://cache");

        assertThat(options.postgresUser()).isEqualTo(DevStackOptions.DEFAULT_EXTERNAL_POSTGRES_USER);
        assertThat(options.postgresPassword()).isEqualTo(DevStackOptions.DEFAULT_EXTERNAL_POSTGRES_PASSWORD);
    }
}
