package io.cachepipe.devstack;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The three servers as Docker containers, configured like the embedded ones. Only
 * {@link DevStack} touches this class, and only when TESTCONTAINERS was chosen.
 *
 * <p>PostgreSQL runs as a plain {@link GenericContainer} configured as testcontainers-postgresql's
 * {@code PostgreSQLContainer} would be: that module drags in testcontainers-jdbc, whose
 * {@code jdbc:tc:} driver registers itself with {@code DriverManager}, so every JDBC connection
 * in every test JVM would load Testcontainers classes even with Docker never used.
 */
final class ContainerServers {
    static final String POSTGRES_IMAGE = "postgres:17";
    /** The version of the Kafka jars on our class path. */
    static final String KAFKA_IMAGE = "apache/kafka:4.3.0";
    static final String REDIS_IMAGE = "redis:7";
    private static final String NO_RESTART = "Testcontainers gives a restarted container a new random host port."
            + " Restart tests need provider EMBEDDED (CACHEPIPE_DEVSTACK_PROVIDER=embedded).";

    private ContainerServers() {
    }

    static Servers create(DevStackOptions options) {
        return Servers.of(new Postgres(options.postgresPort(), options.postgresFsync()), new Kafka(options.kafkaPort()), new Redis(options.redisPort()));
    }

    /** Honours a fixed port from the options by publishing the container port on it. */
    private static void publishOn(GenericContainer<?> container, int hostPort, int containerPort) {
        if (hostPort == 0) {
            return;
        }
        container.withCreateContainerCmdModifier(command -> {
            HostConfig hostConfig = command.getHostConfig() != null ? command.getHostConfig() : HostConfig.newHostConfig();
            command.withHostConfig(hostConfig.withPortBindings(new PortBinding(
                    com.github.dockerjava.api.model.Ports.Binding.bindPort(hostPort), new ExposedPort(containerPort))));
        });
    }

    static final class Postgres extends ServerLifecycle implements PostgresServer {
        private static final int PORT = 5432;
        private final GenericContainer<?> container;

        Postgres(int hostPort, boolean fsync) {
            super("PostgreSQL");
            List<String> command = new ArrayList<>(List.of("postgres", "-c", "fsync=" + (fsync ? "on" : "off")));
            EmbeddedPostgresServer.SERVER_CONFIG.forEach((key, value) -> {
                if (!key.equals("listen_addresses") && !key.equals("unix_socket_directories")) {
                    command.addAll(List.of("-c", key + "=" + value));
                }
            });
            container = new GenericContainer<>(DockerImageName.parse(POSTGRES_IMAGE))
                    .withEnv(Map.of(
                            "POSTGRES_DB", DEFAULT_DATABASE,
                            "POSTGRES_USER", EmbeddedPostgresServer.USER,
                            "POSTGRES_PASSWORD", EmbeddedPostgresServer.PASSWORD))
                    .withExposedPorts(PORT)
                    .withCommand(command.toArray(String[]::new))
                    // The image's entrypoint starts the server twice (init, then for real).
                    .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*\\s", 2)
                            .withStartupTimeout(Duration.ofSeconds(60)));
            publishOn(container, hostPort, PORT);
        }

        @Override
        protected void startServer() {
            container.start();
        }

        @Override
        protected void stopServer() {
            container.stop();
        }

        @Override
        protected String address() {
            return container.isRunning() ? host() + ":" + port() : POSTGRES_IMAGE;
        }

        @Override
        protected String restartUnsupportedReason() {
            return NO_RESTART;
        }

        @Override
        public String host() {
            return container.getHost();
        }

        @Override
        public int port() {
            return container.getMappedPort(PORT);
        }

        @Override
        public String user() {
            return EmbeddedPostgresServer.USER;
        }

        @Override
        public String password() {
            return EmbeddedPostgresServer.PASSWORD;
        }

        @Override
        public String database() {
            return DEFAULT_DATABASE;
        }

        @Override
        public String jdbcUrl(String database) {
            return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
        }

        @Override
        public void createDatabase(String name) {
            Databases.createIfAbsent(jdbcUrl("postgres"), user(), password(), name);
        }
    }

    static final class Kafka extends ServerLifecycle implements KafkaServer {
        private final KafkaContainer container;

        Kafka(int hostPort) {
            super("Kafka");
            container = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE))
                    .withEnv(Map.of(
                            "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1",
                            "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1",
                            "KAFKA_NUM_PARTITIONS", "1",
                            "KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false"));
            publishOn(container, hostPort, 9092);
        }

        @Override
        protected void startServer() {
            container.start();
        }

        @Override
        protected void stopServer() {
            container.stop();
        }

        @Override
        protected String address() {
            return container.isRunning() ? bootstrapServers() : KAFKA_IMAGE;
        }

        @Override
        protected String restartUnsupportedReason() {
            return NO_RESTART;
        }

        @Override
        public String bootstrapServers() {
            return container.getBootstrapServers();
        }
    }

    static final class Redis extends ServerLifecycle implements RedisServer {
        private static final int PORT = 6379;
        private final GenericContainer<?> container;

        Redis(int hostPort) {
            super("Redis");
            container = new GenericContainer<>(DockerImageName.parse(REDIS_IMAGE))
                    .withExposedPorts(PORT)
                    .withCommand("redis-server", "--save", "", "--appendonly", "no")
                    .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\n", 1));
            publishOn(container, hostPort, PORT);
        }

        @Override
        protected void startServer() {
            container.start();
        }

        @Override
        protected void stopServer() {
            container.stop();
        }

        @Override
        protected String address() {
            return container.isRunning() ? host() + ":" + port() : REDIS_IMAGE;
        }

        @Override
        protected String restartUnsupportedReason() {
            return NO_RESTART;
        }

        @Override
        public String host() {
            return container.getHost();
        }

        @Override
        public int port() {
            return container.getMappedPort(PORT);
        }

        @Override
        public String uri() {
            return "redis://" + host() + ":" + port();
        }
    }
}
