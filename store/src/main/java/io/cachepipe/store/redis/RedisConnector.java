package io.cachepipe.store.redis;

import io.cachepipe.core.config.RedisConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One auto-reconnecting Lettuce connection to Redis, standalone or cluster, shared by every thread
 * (Lettuce pipelines concurrent commands over it). Commands are bounded by {@link RedisConfig#timeout()}
 * and rejected at once while disconnected, so callers fall back to PostgreSQL instead of queueing.
 */
public final class RedisConnector implements AutoCloseable {
    private static final int PERIODIC_REFRESH_SECONDS = 5;
    /**
     * How long a lost connection waits before each attempt to reconnect: 10 ms, doubling up to a second. Lettuce's
     * default doubles up to 30 s, so after a Redis outage of a few seconds the invalidator stayed disconnected (applying
     * nothing, its restart guard blind) for up to as long again once Redis was back, while the API had reconnected and
     * was filling. One attempt a second against a Redis that is down costs nothing.
     */
    private static final Delay RECONNECT_DELAY = Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2,
            TimeUnit.MILLISECONDS);
    private final ClientResources resources;
    private final AutoCloseable client;
    private final Supplier<StatefulRedisPubSubConnection<byte[], byte[]>> pubSub;
    private final StatefulConnection<byte[], byte[]> connection;
    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    private final String description;
    private final boolean cluster;
    private final @Nullable ReplicaAcknowledgements replicaAcknowledgements;

    private RedisConnector(ClientResources resources, AutoCloseable client,
                           Supplier<StatefulRedisPubSubConnection<byte[], byte[]>> pubSub,
                           StatefulConnection<byte[], byte[]> connection,
                           RedisClusterAsyncCommands<byte[], byte[]> commands, String description,
                           @Nullable ReplicaAcknowledgements replicaAcknowledgements) {
        this.resources = resources;
        this.client = client;
        this.pubSub = pubSub;
        this.connection = connection;
        this.commands = commands;
        this.description = description;
        this.cluster = description.startsWith("Redis Cluster");
        this.replicaAcknowledgements = replicaAcknowledgements;
    }

    /** Connects, failing fast with a message naming the address if Redis cannot be reached now. */
    public static RedisConnector connect(RedisConfig config) {
        return connect(config, DefaultClientResources.builder());
    }

    /**
     * Connects; with {@code redis.command-metrics} on, every command's latency is recorded in {@code metrics}
     * (Lettuce's {@code lettuce.command.*} timers, by command type and remote address).
     */
    public static RedisConnector connect(RedisConfig config, MeterRegistry metrics) {
        if (!config.commandMetrics()) {
            return connect(config);
        }
        return connect(config, DefaultClientResources.builder()
                .commandLatencyRecorder(new MicrometerCommandLatencyRecorder(metrics, MicrometerOptions.create())));
    }

    private static RedisConnector connect(RedisConfig config, DefaultClientResources.Builder builder) {
        ClientResources resources = builder.ioThreadPoolSize(2).computationThreadPoolSize(2).reconnectDelay(RECONNECT_DELAY).build();
        var timeouts = TimeoutOptions.enabled(config.timeout());
        var socket = SocketOptions.builder().connectTimeout(config.timeout().multipliedBy(4)).keepAlive(true).build();
        try {
            if (config.isCluster()) {
                List<RedisURI> seeds = config.clusterNodes().stream().map(uri -> RedisURI.create(uri.toString())).toList();
                RedisClusterClient client = RedisClusterClient.create(resources, seeds);
                // Cluster node connections open lazily on first use, so rejecting commands while "disconnected"
                // would refuse the first command to every node; the command timeout bounds waiting instead.
                client.setOptions(ClusterClientOptions.builder()
                        .timeoutOptions(timeouts).socketOptions(socket)
                        .topologyRefreshOptions(topologyRefresh())
                        .build());
                StatefulRedisClusterConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
                return new RedisConnector(resources, client::shutdown, () -> client.connectPubSub(ByteArrayCodec.INSTANCE),
                        connection, connection.async(), config.address(),
                        new ReplicaAcknowledgements(connection, config.timeout().dividedBy(2)));
            }
            RedisClient client = RedisClient.create(resources, RedisURI.create(config.url().toString()));
            client.setOptions(ClientOptions.builder()
                    .timeoutOptions(timeouts).socketOptions(socket)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .build());
            StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
            return new RedisConnector(resources, client::shutdown, () -> client.connectPubSub(ByteArrayCodec.INSTANCE),
                    connection, connection.async(), config.address(), null);
        } catch (RuntimeException e) {
            resources.shutdown();
            throw new IllegalStateException("cannot connect to " + config.address()
                    + " within " + config.timeout().multipliedBy(4).toMillis() + " ms: " + e.getMessage()
                    + ". Is Redis running there? (set redis.url / CACHEPIPE_REDIS_URL)", e);
        }
    }

    /**
     * How the cluster client learns of failovers and moved slots: at once on a MOVED or ASK redirection, an
     * uncovered slot, an unknown node or a node it cannot reconnect to (Lettuce's adaptive triggers, at most one
     * refresh a second, not the default one in 30 s, which would keep a client on a dead master through a
     * failover that took a refresh or two), and every {@value #PERIODIC_REFRESH_SECONDS} s regardless, which
     * also notices replicas that joined (see {@link ReplicaAcknowledgements}).
     */
    private static ClusterTopologyRefreshOptions topologyRefresh() {
        return ClusterTopologyRefreshOptions.builder()
                .enableAllAdaptiveRefreshTriggers()
                .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                .refreshTriggersReconnectAttempts(2)
                .enablePeriodicRefresh(Duration.ofSeconds(PERIODIC_REFRESH_SECONDS))
                .build();
    }

    /**
     * Waits until a replica of every Redis Cluster master that has one acknowledged the writes made so far over
     * this connection ({@code WAIT 1}); at once on a standalone Redis, whose failovers the restart guard catches.
     * Fails with a {@link io.lettuce.core.RedisException} (worth retrying) when one did not within half the
     * command timeout. See {@link ReplicaAcknowledgements}.
     */
    public CompletionStage<Void> awaitReplicas() {
        return replicaAcknowledgements == null ? CompletableFuture.completedFuture(null) : replicaAcknowledgements.await();
    }

    public RedisClusterAsyncCommands<byte[], byte[]> commands() {
        return commands;
    }

    /** One section of {@code INFO} (of the node the connection reaches first), as field: value. */
    public Map<String, String> info(String section) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : commands.info(section).toCompletableFuture().join().split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return fields;
    }

    /** What a subscriber hears: messages, and the subscription being lost and (after reconnecting) back. */
    public interface Subscriber {
        void message(byte[] message);

        /** The connection dropped: messages may be missed until {@link #subscribed()}. */
        void lost();

        /** The subscription is (again) active; no message is missed from now on. */
        void subscribed();
    }

    /**
     * Subscribes to a channel on a connection of its own, which Lettuce reconnects and re-subscribes
     * by itself. Close the returned handle to unsubscribe.
     */
    public AutoCloseable subscribe(String channel, Subscriber subscriber) {
        var connection = pubSub.get();
        byte[] name = channel.getBytes(StandardCharsets.UTF_8);
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] from, byte[] message) {
                subscriber.message(message);
            }

            @Override
            public void subscribed(byte[] from, long count) {
                subscriber.subscribed();
            }
        });
        connection.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                subscriber.lost();
            }
        });
        connection.sync().subscribe(name);
        return connection::close;
    }

    public boolean isCluster() {
        return cluster;
    }

    public boolean isConnected() {
        return connection.isOpen();
    }

    public String description() {
        return description;
    }

    @Override
    public void close() {
        connection.close();
        try {
            client.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the Redis client failed", e);
        } finally {
            resources.shutdown();
        }
    }
}
