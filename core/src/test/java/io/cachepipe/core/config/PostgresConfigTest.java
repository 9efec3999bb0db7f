package io.cachepipe.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pool's settings: documented defaults, and every inconsistency reported at once. */
class PostgresConfigTest {
    private static final String URL = "jdbc:postgresql://db:5432/shop";

    @Test
    void defaults_areTheDocumentedOnes() {
        PostgresConfig config = PostgresConfig.read(Settings.of(Map.of("postgres.url", URL)));

        assertThat(config.poolSize()).isEqualTo(8);
        assertThat(config.pool()).isEqualTo(PostgresConfig.Pool.DEFAULTS);
        assertThat(config.pool().keepalive()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.pool().statementTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void poolSettingsAreRead() {
        PostgresConfig config = PostgresConfig.read(Settings.of(Map.of("postgres.url", URL, "postgres.pool-size", "20",
                "postgres.pool-min-idle", "5", "postgres.pool-connection-timeout", "2s", "postgres.pool-max-lifetime", "10m",
                "postgres.pool-keepalive", "0s", "postgres.pool-leak-detection", "30s", "postgres.statement-timeout", "0s")));

        assertThat(config.pool()).isEqualTo(new PostgresConfig.Pool(5, Duration.ofSeconds(2), Duration.ofMinutes(10), Duration.ZERO,
                Duration.ofSeconds(30), Duration.ZERO));
    }

    @Test
    void inconsistentPoolSettings_areAllReportedInOneMessage() {
        assertThatThrownBy(() -> PostgresConfig.read(Settings.of(Map.of("postgres.url", URL, "postgres.pool-size", "4",
                "postgres.pool-keepalive", "10s", "postgres.pool-leak-detection", "1s"))))
                .hasMessageContaining("postgres.pool-keepalive must be 0 (never) or from 30s")
                .hasMessageContaining("postgres.pool-leak-detection must be 0 (off) or at least 2s");
    }

    @Test
    void aPoolSmallerThanTheMinimumIdle_isAllowed_itKeepsAllItsConnections() {
        assertThat(PostgresConfig.read(Settings.of(Map.of("postgres.url", URL, "postgres.pool-size", "1"))).poolSize()).isEqualTo(1);
        assertThat(new PostgresConfig(URL, "u", "p", 1).pool().minIdle()).isEqualTo(2);
    }

    @Test
    void aSmallerPoolKeepsTheOtherSettings() {
        PostgresConfig config = PostgresConfig.read(Settings.of(Map.of("postgres.url", URL, "postgres.pool-min-idle", "4",
                "postgres.pool-max-lifetime", "5m")));

        PostgresConfig small = config.withPoolSize(3);
        assertThat(small.poolSize()).isEqualTo(3);
        assertThat(small.pool().minIdle()).isEqualTo(4);
        assertThat(small.pool().maxLifetime()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void everySslModeTheDriverKnows_isAccepted_inAnyCase() {
        for (String mode : List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full", "VERIFY-FULL")) {
            assertThat(new PostgresConfig(URL + "?sslmode=" + mode + "&sslrootcert=/etc/ca.pem", "u", "p", 1).jdbcUrl())
                    .contains(mode);
        }
        assertThat(new PostgresConfig(URL + "?ssl=true&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory", "u", "p", 1))
                .isNotNull();
        assertThat(new PostgresConfig(URL + "?ssl", "u", "p", 1)).isNotNull();
    }

    @Test
    void anUnknownSslMode_isAConfigError_namingTheUrlAndTheModes_withThePasswordMasked() {
        assertThatThrownBy(() -> PostgresConfig.read(Settings.of(Map.of("postgres.url",
                URL + "?sslmode=verify_full&sslpassword=secret"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("postgres.url has sslmode=verify_full, which the PostgreSQL driver does not know")
                .hasMessageContaining("disable, allow, prefer, require, verify-ca, verify-full")
                .hasMessageNotContaining("secret");
    }

    @Test
    void sslOn_isRefused_sinceTheDriverReadsItAsFalse() {
        assertThatThrownBy(() -> new PostgresConfig(URL + "?ssl=on", "u", "p", 1))
                .hasMessageContaining("postgres.url has ssl=on, which the PostgreSQL driver reads as false")
                .hasMessageContaining("sslmode=verify-full");
    }

    @Test
    void tlsProblems_areReportedWithThePoolsProblems() {
        assertThatThrownBy(() -> PostgresConfig.read(Settings.of(Map.of("postgres.url", URL + "?sslmode=strict&ssl=yes",
                "postgres.pool-keepalive", "10s"))))
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(3));
    }
}
