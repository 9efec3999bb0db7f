package io.cachepipe.devstack;

import java.nio.file.Path;

/** The default provider: no Docker, everything under the data directory. */
final class EmbeddedServers {
    private EmbeddedServers() {
    }

    static Servers create(DevStackOptions options) {
        Path root = options.dataDir().toAbsolutePath();
        return Servers.of(
                new EmbeddedPostgresServer(root.resolve("postgres"), options.postgresPort(), options.postgresFsync()),
                new EmbeddedKafkaServer(root.resolve("kafka"), options.kafkaPort()),
                new EmbeddedRedisServer(root.resolve("redis"), options.redisPort()));
    }
}
