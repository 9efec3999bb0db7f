package io.cachepipe.devstack;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Servers someone else runs. We only check that they answer and never stop them: stop/start
 * throw, because a restart test against a shared server would hurt its other users.
 */
final class ExternalServers {
    /** Long enough for a server that is still starting (docker compose up in another terminal). */
    static final Duration REACH_TIMEOUT = Duration.ofSeconds(15);
    private static final String NO_RESTART = "the EXTERNAL provider does not control the server."
            + " Restart tests need provider EMBEDDED (CACHEPIPE_DEVSTACK_PROVIDER=embedded).";

    private ExternalServers() {
    }

    static Servers create(DevStackOptions options) {
        return create(options, REACH_TIMEOUT);
    }

    static Servers create(DevStackOptions options, Duration reachTimeout) {
        var postgres = new Postgres(PostgresUrl.parse(required(options.externalPostgresUrl())),
                options.postgresUser(), options.postgresPassword(), reachTimeout);
        var kafka = new Kafka(required(options.externalKafkaBootstrap()), reachTimeout);
        var redis = new Redis(required(options.externalRedisUrl()), reachTimeout);
        return Servers.of(postgres, kafka, redis);
    }

    private static String required(@Nullable String value) {
        if (value == null) {
            throw new IllegalStateException("DevStackOptions let an EXTERNAL provider through without all URLs");
        }
        return value;
    }

    static final class Postgres extends ServerLifecycle implements PostgresServer {
        private final PostgresUrl url;
        private final String user;
        private final String password;
        private final Duration reachTimeout;

        Postgres(PostgresUrl url, String user, String password, Duration reachTimeout) {
            super("PostgreSQL");
            this.url = url;
            this.user = user;
            this.password = password;
            this.reachTimeout = reachTimeout;
        }

        @Override
        protected void startServer() {
            Databases.awaitConnectable(jdbcUrl(), user, password, reachTimeout);
        }

        @Override
        protected void stopServer() {
        }

        @Override
        protected String address() {
            return url.host() + ":" + url.port();
        }

        @Override
        protected String restartUnsupportedReason() {
            return NO_RESTART;
        }

        @Override
        public String host() {
            return url.host();
        }

        @Override
        public int port() {
            return url.port();
        }

        @Override
        public String user() {
            return user;
        }

        @Override
        public String password() {
            return password;
        }

        @Override
        public String database() {
            return url.database();
        }

        @Override
        public String jdbcUrl(String database) {
            return url.jdbcUrl(database);
        }

        @Override
        public void createDatabase(String name) {
            Databases.createIfAbsent(url.jdbcUrl("postgres"), user, password, name);
        }
    }

    static final class Kafka extends ServerLifecycle implements KafkaServer {
        private final String bootstrapServers;
        private final Duration reachTimeout;

        Kafka(String bootstrapServers, Duration reachTimeout) {
            super("Kafka");
            this.bootstrapServers = bootstrapServers;
            this.reachTimeout = reachTimeout;
        }

        @Override
        protected void startServer() {
            Probes.awaitKafka(bootstrapServers, reachTimeout);
        }

        @Override
        protected void stopServer() {
        }

        @Override
        protected String address() {
            return bootstrapServers;
        }

        @Override
        protected String restartUnsupportedReason() {
            return NO_RESTART;
        }

        @Override
        public String bootstrapServers() {
            return bootstrapServers;
        }
    }

    static final class Redis extends ServerLifecycle implements RedisServer {
        private final String uri;
        private final RedisUrl url;
        private final Duration reachTimeout;

        Redis(String uri, Duration reachTimeout) {
            super("Redis");
            this.uri = uri;
            this.url = RedisUrl.parse(uri);
            this.reachTimeout = reachTimeout;
        }

        @Override
        protected void startServer() {
            Probes.awaitRedis(url, reachTimeout);
        }

        @Override
        protected void stopServer() {
        }

        @Override
        protected String address() {
            return url.host() + ":" + url.port();
        }

        @Override
        protected String restartUnsupportedReason() {
            return NO_RESTART;
        }

        @Override
        public String host() {
            return url.host();
        }

        @Override
        public int port() {
            return url.port();
        }

        @Override
        public String uri() {
            return uri;
        }
    }
}
