package io.cachepipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.devstack.DevStackOptions.Provider;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The EXTERNAL provider, pointed at servers an embedded stack runs: reachable, usable, never stopped. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ExternalProviderIT {
    private static final Path ROOT = Path.of(System.getProperty("cachepipe.devstack.dir", "target/dev-stack"));

    @Test
    void usesTheConfiguredServers_andRefusesToRestartThem() throws SQLException {
        try (DevStack embedded = DevStack.start(DevStackOptions.defaults(ROOT.resolve("external-backing"))
                .withProvider(Provider.EMBEDDED))) {
            DevStackOptions options = new DevStackOptions(ROOT.resolve("external"), Provider.AUTO, 0, 0, 0,
                    embedded.postgres().jdbcUrl(), embedded.postgres().user(), embedded.postgres().password(),
                    embedded.kafka().bootstrapServers(), embedded.redis().uri());

            try (DevStack external = DevStack.start(options)) {
                assertThat(external.provider()).isEqualTo(Provider.EXTERNAL);
                assertThat(external.postgres().port()).isEqualTo(embedded.postgres().port());
                assertThat(external.postgres().database()).isEqualTo("cachepipe");
                assertThat(external.kafka().bootstrapServers()).isEqualTo(embedded.kafka().bootstrapServers());
                assertThat(external.redis().uri()).isEqualTo(embedded.redis().uri());

                external.postgres().createDatabase("external_it");
                try (Connection connection = DriverManager.getConnection(external.postgres().jdbcUrl("external_it"),
                        external.postgres().user(), external.postgres().password())) {
                    assertThat(connection.isValid(5)).isTrue();
                }
                assertThatThrownBy(() -> external.redis().stop())
                        .isInstanceOf(UnsupportedOperationException.class)
                        .hasMessageContaining("EXTERNAL provider does not control the server");
                assertThat(external.describe()).contains("(external)").doesNotContain(":postgres@");
            }
            assertThat(embedded.redis().isRunning()).as("closing the external stack leaves the servers alone").isTrue();
        }
    }

    @Test
    void unreachableServers_failWithWhereTheyWereLookedFor() {
        int closedPort = Ports.freePort();
        DevStackOptions options = new DevStackOptions(ROOT.resolve("external-unreachable"), Provider.EXTERNAL, 0, 0, 0,
                "jdbc:postgresql://127.0.0.1:" + closedPort + "/app", null, null,
                "127.0.0.1:" + closedPort, "redis://127.0.0.1:" + closedPort);
        Servers servers = ExternalServers.create(options, Duration.ofSeconds(1));

        assertThatThrownBy(() -> ((ServerLifecycle) servers.postgres()).boot())
                .isInstanceOf(DevStackException.class)
                .hasMessageContaining("Timed out after 1 s waiting for PostgreSQL at jdbc:postgresql://127.0.0.1:" + closedPort + "/app")
                .hasMessageContaining("Connection to 127.0.0.1:" + closedPort + " refused");
        assertThatThrownBy(() -> ((ServerLifecycle) servers.redis()).boot())
                .isInstanceOf(DevStackException.class)
                .hasMessageContaining("Timed out after 1 s waiting for Redis at 127.0.0.1:" + closedPort + " to answer PING");
        assertThatThrownBy(() -> ((ServerLifecycle) servers.kafka()).boot())
                .isInstanceOf(DevStackException.class)
                .hasMessageContaining("Timed out after 1 s waiting for Kafka at 127.0.0.1:" + closedPort + " to answer describeCluster");
    }
}
