package io.cachepipe.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The advice a failed pool start gives: the URL's TLS parameters when the handshake failed, else whether PostgreSQL runs. */
class DataSourcesTest {
    @Test
    void aFailedTlsHandshake_pointsAtTheSslParametersOfTheUrl() {
        var failure = new RuntimeException("Failed to initialize pool: SSL error: PKIX path building failed",
                new IllegalStateException("wrapped", new SSLHandshakeException("PKIX path building failed")));

        assertThat(DataSources.advice(failure)).startsWith("The TLS connection failed: check the ssl parameters of postgres.url")
                .contains("sslrootcert");
    }

    @Test
    void aHostNameTheCertificateDoesNotName_isATlsProblem() {
        assertThat(DataSources.advice(new RuntimeException(
                "The hostname 127.0.0.1 could not be verified by hostnameverifier PgjdbcHostnameVerifier.")))
                .startsWith("The TLS connection failed");
    }

    @Test
    void aRefusedConnection_asksWhetherPostgresRuns() {
        assertThat(DataSources.advice(new RuntimeException("Connection to db:5432 refused", new ConnectException("refused"))))
                .startsWith("Is PostgreSQL running there?");
    }
}
