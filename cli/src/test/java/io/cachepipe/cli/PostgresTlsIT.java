package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.devstack.PostgresServer;
import io.cachepipe.devstack.StandalonePostgres;
import io.cachepipe.testsupport.Jdbc;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code cachepipe run} against a PostgreSQL that speaks TLS ({@code ssl=on}, a server certificate for
 * {@code localhost} and {@code 127.0.0.1} signed by a CA this test generates), with
 * {@code postgres.url=...?sslmode=verify-full&sslrootcert=<ca.pem>&sslcert=<client.pem>&sslkey=<client.pk8>&sslpassword=...}:
 * the pools, Debezium's JDBC connections and its replication connection (the walsender) all connect
 * over TLS with the client certificate, as {@code pg_stat_ssl} shows, and an UPDATE reaches the cache.
 *
 * <p>The server's pg_hba.conf asks every TLS connection for a client certificate of the user's name
 * ({@code clientcert=verify-full}) and lets plain connections in (the test's own use one). So a
 * cachepipe connection that lost the URL's parameters could not pass unseen: without TLS it shows
 * {@code ssl = false}; with the driver's default {@code sslmode=prefer} but no client certificate it is
 * refused over TLS, retried in plain text and shows {@code ssl = false} too. With a root certificate of
 * another CA, the start fails within seconds naming postgres.url and the certificate problem.
 *
 * <p>The TLS server is a {@link StandalonePostgres} of this class's own, beside the dev stack: the
 * shared server, which every other test uses, keeps its settings.
 */
@WithDevStack
class PostgresTlsIT {
    private static final Duration FAIL_FAST = Duration.ofSeconds(60);

    @TempDir
    static Path certificates;
    private static final String KEY_PASSWORD = "k3y&pass";
    private static final String CLIENT_DN = "/CN=" + "postgres";
    private static TestCertificates.Authority authority;
    private static TestCertificates.Authority otherAuthority;
    private static TestCertificates.Signed client;
    private static StandalonePostgres tls;

    /** One backend of the TLS server, from pg_stat_activity joined with pg_stat_ssl. */
    record Backend(int pid, String type, String application, String database, boolean ssl, String version, String clientDn,
                   boolean mine) {
        @Override
        public String toString() {
            return String.format("%-7d %-14s %-24s %-8s ssl=%-5s %-8s %-14s%s", pid, type, application, database, ssl, version,
                    clientDn.isEmpty() ? "-" : clientDn, mine ? " (this test's plain connection)" : "");
        }
    }

    @BeforeAll
    static void startPostgresWithTls(DevStack stack) throws Exception {
        authority = TestCertificates.authority(certificates, "cachepipe-test-ca");
        otherAuthority = TestCertificates.authority(certificates, "another-ca");
        TestCertificates.Signed server = TestCertificates.server(certificates, "postgres-server", authority);
        client = TestCertificates.client(certificates, "postgres-client", "postgres", authority, KEY_PASSWORD);
        Path hba = Files.writeString(certificates.resolve("pg_hba.conf"), """
                hostssl all         all 127.0.0.1/32 trust clientcert=verify-full
                hostssl replication all 127.0.0.1/32 trust clientcert=verify-full
                host    all         all 127.0.0.1/32 trust
                host    replication all 127.0.0.1/32 trust
                """);
        tls = StandalonePostgres.start(stack.options().dataDir(), "postgres-tls", Map.of("ssl", "on",
                "ssl_cert_file", server.certificate().toString(), "ssl_key_file", server.key().toString(),
                "ssl_ca_file", authority.certificate().toString(), "hba_file", hba.toString()));
    }

    @AfterAll
    static void stopPostgresWithTls() {
        if (tls != null) {
            tls.close();
        }
    }

    @Test
    void runOverVerifyFullTls_withAClientCertificate_followsAnUpdate_andEveryConnectionItOpensIsEncrypted(DevStack stack,
            @TestNamespace.PerMethod TestNamespace namespace, @TempDir Path dir) throws Exception {
        PostgresServer postgres = tls.server();
        postgres.createDatabase(namespace.name());
        Jdbc plain = plain(namespace);
        Widgets.create(plain, 100);
        String url = "jdbc:postgresql://localhost:" + postgres.port() + "/" + namespace.name() + "?sslmode=verify-full&sslrootcert="
                + authority.certificate() + "&sslcert=" + client.certificate() + "&sslkey=" + client.key()
                + "&sslpassword=" + URLEncoder.encode(KEY_PASSWORD, StandardCharsets.UTF_8);
        var logs = new ListAppender<ILoggingEvent>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);

        CliRun run = CliRun.start("run", config(stack, namespace, dir, url));
        try {
            String base = await("cachepipe run to print its API address").until(run::apiBase, found -> found != null);
            assertThat(CliRun.get(base + "widgets/7")).contains("\"name\":\"widget 7\"");
            plain.update("UPDATE widgets SET name = 'renamed over TLS' WHERE id = 7");
            await().untilAsserted(() -> assertThat(CliRun.get(base + "widgets/7")).contains("\"name\":\"renamed over TLS\""));

            List<Backend> backends = await("a pool connection, Debezium's JDBC connection and its walsender, all over TLS")
                    .until(() -> backends(plain), PostgresTlsIT::everyKindOverTls);
            System.out.println("pg_stat_ssl of the TLS server while cachepipe run streams:\n  "
                    + String.join("\n  ", backends.stream().map(Backend::toString).toList()));
            assertThat(backends).filteredOn(backend -> !backend.mine()).allSatisfy(backend -> {
                assertThat(backend.ssl()).as(backend.toString()).isTrue();
                assertThat(backend.version()).as(backend.toString()).startsWith("TLSv1.");
                assertThat(backend.clientDn()).as(backend.toString()).isEqualTo(CLIENT_DN);
            });
            assertThat(backends).filteredOn(Backend::mine).singleElement().extracting(Backend::ssl).isEqualTo(false);
        } finally {
            run.stop();
            root.detachAppender(logs);
        }
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out() + run.err()).as("what cachepipe run printed").doesNotContain(KEY_PASSWORD).doesNotContain("k3y%26pass");
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).as("the log")
                .noneMatch(line -> line.contains(KEY_PASSWORD) || line.contains("k3y%26pass"));
    }

    @Test
    void aRootCertificateOfAnotherAuthority_failsTheStartFast_namingPostgresUrlAndTheCertificateProblem(DevStack stack,
            @TestNamespace.PerMethod TestNamespace namespace, @TempDir Path dir) throws Exception {
        String url = "jdbc:postgresql://localhost:" + tls.server().port() + "/" + namespace.name()
                + "?sslmode=verify-full&sslrootcert=" + otherAuthority.certificate();

        long started = System.nanoTime();
        CliRun run = CliRun.start("run", config(stack, namespace, dir, url));
        try {
            assertThat(run.finishesWithin(FAIL_FAST)).as("cachepipe run ends within " + FAIL_FAST + ":\n" + run.err()).isTrue();
        } finally {
            run.stop();
        }
        System.out.printf("cachepipe run with another CA's root certificate exited %d after %d ms:%n%s", run.exit(),
                Duration.ofNanos(System.nanoTime() - started).toMillis(), run.err());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("cachepipe run: failed: cannot open a connection pool to jdbc:postgresql://localhost:")
                .contains("PKIX path building failed")
                .contains("The TLS connection failed: check the ssl parameters of postgres.url").contains("sslrootcert");
    }

    @Test
    void anSslModeTheDriverDoesNotKnow_isAConfigurationProblem(DevStack stack, @TestNamespace.PerMethod TestNamespace namespace,
            @TempDir Path dir) throws Exception {
        String url = "jdbc:postgresql://localhost:" + tls.server().port() + "/" + namespace.name() + "?sslmode=verify_full";

        CliRun run = CliRun.start("run", config(stack, namespace, dir, url));
        try {
            assertThat(run.finishesWithin(FAIL_FAST)).as(run.err()).isTrue();
        } finally {
            run.stop();
        }
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("configuration problems")
                .contains("postgres.url has sslmode=verify_full, which the PostgreSQL driver does not know");
    }

    /** The test's own connections: plain (sslmode=disable), which the server accepts as well. */
    private static Jdbc plain(TestNamespace namespace) {
        PostgresServer postgres = tls.server();
        return Jdbc.on(postgres.jdbcUrl(namespace.name()) + "?sslmode=disable", postgres.user(), postgres.password());
    }

    private static boolean everyKindOverTls(List<Backend> backends) {
        List<Backend> theirs = backends.stream().filter(backend -> !backend.mine()).toList();
        return theirs.stream().allMatch(backend -> backend.ssl() && backend.clientDn().equals(CLIENT_DN))
                && theirs.stream().anyMatch(backend -> backend.application().equals("cachepipe-pipeline"))
                && theirs.stream().anyMatch(backend -> backend.application().equals("cachepipe-cdc"))
                && theirs.stream().anyMatch(backend -> backend.type().equals("client backend") && backend.application().startsWith("Debezium"))
                && theirs.stream().anyMatch(backend -> backend.type().equals("walsender"));
    }

    private static List<Backend> backends(Jdbc plain) throws Exception {
        List<Backend> backends = new ArrayList<>();
        try (Connection connection = plain.connect(); Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("""
                     SELECT a.pid, a.backend_type, coalesce(a.application_name, '') AS application, coalesce(a.datname, '') AS db,
                            s.ssl, coalesce(s.version, '') AS version, coalesce(s.client_dn, '') AS client_dn,
                            a.pid = pg_backend_pid() AS mine
                     FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid
                     WHERE a.backend_type IN ('client backend', 'walsender')
                     ORDER BY a.backend_type, a.application_name, a.pid""")) {
            while (rows.next()) {
                backends.add(new Backend(rows.getInt("pid"), rows.getString("backend_type"), rows.getString("application"),
                        rows.getString("db"), rows.getBoolean("ssl"), rows.getString("version"), rows.getString("client_dn"),
                        rows.getBoolean("mine")));
            }
        }
        return backends;
    }

    private static Path config(DevStack stack, TestNamespace namespace, Path dir, String postgresUrl) throws Exception {
        Path views = Widgets.writeViews(dir, Widgets.VIEWS);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("postgres.url", postgresUrl);
        settings.put("postgres.user", tls.server().user());
        settings.put("postgres.password", tls.server().password());
        settings.put("kafka.bootstrap", stack.kafka().bootstrapServers());
        settings.put("kafka.topic-prefix", namespace.topicPrefix());
        settings.put("redis.url", stack.redis().uri());
        settings.put("redis.namespace", namespace.keyPrefix());
        settings.put("views.file", views.toString());
        settings.put("cdc.slot", namespace.name());
        settings.put("cdc.publication", namespace.name());
        settings.put("api.host", "127.0.0.1");
        settings.put("api.port", "0");
        settings.put("invalidator.state-dir", dir.resolve("streams").toString());
        return Widgets.writeSettings(dir, settings);
    }
}
