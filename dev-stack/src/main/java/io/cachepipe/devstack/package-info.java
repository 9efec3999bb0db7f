/**
 * Real PostgreSQL, Kafka and Redis servers for tests and the demo, from one door: {@link io.cachepipe.devstack.DevStack}.
 *
 * <p>Three providers: embedded (servers from Maven artifacts, no Docker), Testcontainers, and external
 * (servers someone else runs). Everything but the public interfaces, {@code DevStack},
 * {@code DevStackOptions}, {@code KafkaClusterStack}, {@code RedisClusterStack}, {@code RedisSentinelStack} and {@code StandalonePostgres} (a
 * PostgreSQL of a test's own with extra server settings, such as TLS) is package-private on purpose.
 */
@NullMarked
package io.cachepipe.devstack;

import org.jspecify.annotations.NullMarked;
