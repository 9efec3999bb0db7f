package io.cachepipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.cachepipe.devstack.DevStackOptions.Provider;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentOptionsTest {
    private static final Path DEFAULT_DIR = Path.of("target/dev-stack");

    private static DevStackOptions read(Map<String, String> properties, Map<String, String> environment) {
        return new EnvironmentOptions(properties::get, environment::get).read(DEFAULT_DIR);
    }

    @Test
    void nothingSet_givesDefaults() {
        assertThat(read(Map.of(), Map.of())).isEqualTo(DevStackOptions.defaults(DEFAULT_DIR));
    }

    @Test
    void environmentVariables_areRead_providerInAnyCase() {
        DevStackOptions options = read(Map.of(), Map.of(
                "CACHEPIPE_DEVSTACK_DIR", "/data/stack",
                "CACHEPIPE_DEVSTACK_PROVIDER", "Embedded",
                "CACHEPIPE_DEVSTACK_POSTGRES_PORT", "5433",
                "CACHEPIPE_DEVSTACK_KAFKA_PORT", "9093",
                "CACHEPIPE_DEVSTACK_REDIS_PORT", "6380"));

        assertThat(options).isEqualTo(new DevStackOptions(Path.of("/data/stack"), Provider.EMBEDDED, 5433, 9093, 6380,
                null, null, null, null, null));
    }

    @Test
    void systemProperty_winsOverEnvironmentVariable() {
        DevStackOptions options = read(
                Map.of("cachepipe.devstack.dir", "/from/property"),
                Map.of("CACHEPIPE_DEVSTACK_DIR", "/from/environment"));

        assertThat(options.dataDir()).isEqualTo(Path.of("/from/property"));
    }

    @Test
    void externalServers_areRead() {
        DevStackOptions options = read(Map.of(), Map.of(
                "CACHEPIPE_DEVSTACK_POSTGRES_URL", "jdbc:postgresql://db:5432/app",
                "CACHEPIPE_DEVSTACK_POSTGRES_USER", "app",
                "CACHEPIPE_DEVSTACK_POSTGRES_PASSWORD", "secret",
                "CACHEPIPE_DEVSTACK_KAFKA_BOOTSTRAP", "kafka-1:9092,kafka-2:9092",
                "CACHEPIPE_DEVSTACK_REDIS_URL", "redis://cache:6379"));

        assertThat(options.externalServersConfigured()).isTrue();
        assertThat(ProviderChoice.resolve(options, () -> true)).isEqualTo(Provider.EXTERNAL);
    }

    @Test
    void blankValue_countsAsUnset() {
        assertThat(read(Map.of(), Map.of("CACHEPIPE_DEVSTACK_REDIS_URL", " ", "CACHEPIPE_DEVSTACK_PROVIDER", "")))
                .isEqualTo(DevStackOptions.defaults(DEFAULT_DIR));
    }

    @Test
    void parseErrors_andValidationProblems_comeInOneMessage_namingTheirSource() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> read(
                        Map.of("cachepipe.devstack.postgres.port", "fivefour"),
                        Map.of("CACHEPIPE_DEVSTACK_PROVIDER", "dokker",
                                "CACHEPIPE_DEVSTACK_KAFKA_PORT", "99999",
                                "CACHEPIPE_DEVSTACK_REDIS_URL", "redis://cache")))
                .withMessageStartingWith("Invalid dev stack options (4 problems)")
                .withMessageContaining("system property cachepipe.devstack.postgres.port was 'fivefour'; expected a port number")
                .withMessageContaining("environment variable CACHEPIPE_DEVSTACK_PROVIDER was 'dokker'; expected one of "
                        + "[AUTO, EMBEDDED, TESTCONTAINERS, EXTERNAL]")
                .withMessageContaining("kafkaPort (CACHEPIPE_DEVSTACK_KAFKA_PORT) was 99999")
                .withMessageContaining("provider AUTO uses external servers only when all three are set");
    }
}
