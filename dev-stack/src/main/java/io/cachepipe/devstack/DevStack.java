package io.cachepipe.devstack;

import io.cachepipe.devstack.DevStackOptions.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL, Kafka broker and Redis, for tests and the demo. The three start in parallel
 * and {@link #start} returns once each answers. {@link #close()} stops them; if the JVM exits
 * without it, a shutdown hook does, so no server process outlives the JVM.
 *
 * <pre>{@code
 * try (DevStack stack = DevStack.start(DevStackOptions.fromEnvironment(Path.of("target/dev-stack")))) {
 *     String jdbcUrl = stack.postgres().jdbcUrl();
 *     String bootstrap = stack.kafka().bootstrapServers();
 *     String redis = stack.redis().uri();
 * }
 * }</pre>
 */
public final class DevStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DevStack.class);

    private final DevStackOptions options;
    private final Provider provider;
    private final Servers servers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final java.util.Deque<AutoCloseable> dependents = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final ShutdownHook shutdownHook;

    private DevStack(DevStackOptions options, Provider provider, Servers servers) {
        this.options = options;
        this.provider = provider;
        this.servers = servers;
        this.shutdownHook = ShutdownHook.register("cachepipe-dev-stack", this::stopAll);
    }

    /**
     * Chooses the provider, starts the three servers in parallel and waits until each answers.
     *
     * @throws DevStackException naming every server that failed, what it said, and what to do
     */
    public static DevStack start(DevStackOptions options) {
        long started = System.nanoTime();
        LOG.info("Starting dev stack: {}", options);
        Provider provider = ProviderChoice.resolve(options, () -> DockerProbe.isDockerAvailable());
        Servers servers = switch (provider) {
            case EMBEDDED -> EmbeddedServers.create(options);
            case TESTCONTAINERS -> ContainerServers.create(options);
            case EXTERNAL -> ExternalServers.create(options);
            case AUTO -> throw new IllegalStateException("ProviderChoice left AUTO unresolved");
        };
        DevStack stack = new DevStack(options, provider, servers);
        stack.bootAll();
        LOG.info("Dev stack ({}) ready in {} ms ({})", provider, (System.nanoTime() - started) / 1_000_000,
                servers.lifecycles().stream()
                        .map(server -> server.name() + " " + server.lastStart().toMillis() + " ms")
                        .collect(Collectors.joining(", ")));
        return stack;
    }

    private void bootAll() {
        Map<String, Throwable> failures = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (ServerLifecycle server : servers.lifecycles()) {
            threads.add(Thread.ofPlatform().name("dev-stack-start-" + server.name()).start(() -> {
                try {
                    server.boot();
                } catch (RuntimeException | Error e) {
                    failures.put(server.name(), e);
                }
            }));
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.put("start-up", new DevStackException("Interrupted while the dev stack started", e));
            }
        }
        if (!failures.isEmpty()) {
            close();
            DevStackException failure = new DevStackException("The dev stack (" + provider + ", data in "
                    + options.dataDir().toAbsolutePath() + ") did not start:\n  - "
                    + failures.entrySet().stream()
                            .map(entry -> entry.getKey() + ": " + entry.getValue().getMessage())
                            .collect(Collectors.joining("\n  - ")),
                    failures.values().iterator().next());
            failures.values().stream().skip(1).forEach(failure::addSuppressed);
            throw failure;
        }
    }

    public PostgresServer postgres() {
        return servers.postgres();
    }

    public KafkaServer kafka() {
        return servers.kafka();
    }

    public RedisServer redis() {
        return servers.redis();
    }

    /** The provider actually used: never AUTO. */
    public Provider provider() {
        return provider;
    }

    public DevStackOptions options() {
        return options;
    }

    /** Where each server is, as commands a human can paste: psql, kcat, redis-cli. */
    public String describe() {
        PostgresServer postgres = postgres();
        String credentials = provider == Provider.EXTERNAL
                ? postgres.user() + "@"
                : postgres.user() + ":" + postgres.password() + "@";
        return """
                cachepipe dev stack (%s)%s
                  PostgreSQL  %s:%d   psql postgresql://%s%s:%d/%s
                  Kafka       %s   kcat -b %s -L
                  Redis       %s:%d   redis-cli -h %s -p %d"""
                .formatted(provider.name().toLowerCase(java.util.Locale.ROOT),
                        provider == Provider.EMBEDDED ? ", files under " + options.dataDir().toAbsolutePath() : "",
                        postgres.host(), postgres.port(), credentials, postgres.host(), postgres.port(), postgres.database(),
                        kafka().bootstrapServers(), kafka().bootstrapServers(),
                        redis().host(), redis().port(), redis().host(), redis().port());
    }

    /**
     * Closes {@code dependent} (something that uses these servers, like the demo's pipeline) before
     * the servers, both on {@link #close()} and when the JVM exits; the last registered closes first.
     * One hook does both, since the JVM runs separate shutdown hooks at the same time.
     */
    public void closeFirst(AutoCloseable dependent) {
        dependents.push(dependent);
    }

    /** Stops every server; safe to call more than once. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            shutdownHook.cancel();
            stopAll();
        }
    }

    /**
     * The separate processes (Redis, PostgreSQL) first, so that if the JVM is killed during Kafka's
     * slower shutdown, nothing is left running.
     */
    private void stopAll() {
        for (AutoCloseable dependent = dependents.poll(); dependent != null; dependent = dependents.poll()) {
            quietlyClose(dependent);
        }
        long started = System.nanoTime();
        servers.lifecycles().forEach(ServerLifecycle::close);
        LOG.info("Dev stack ({}) stopped in {} ms", provider, (System.nanoTime() - started) / 1_000_000);
    }

    private static void quietlyClose(AutoCloseable dependent) {
        try {
            dependent.close();
        } catch (Exception e) {
            LOG.warn("Closing {} before the dev stack failed: {}", dependent, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
