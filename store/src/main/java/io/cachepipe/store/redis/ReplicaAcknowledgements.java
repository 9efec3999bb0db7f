package io.cachepipe.store.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.protocol.ConnectionIntent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Redis replicates asynchronously: a master answers a write before any replica has it, and if the
 * master dies then, the replica that takes its place never had the write. For a value that is merely
 * lost (a fill, a warm) that is harmless: the key falls back to what the replica had, a tombstone or
 * nothing. For an invalidation, or a row image replacing a value, it is a stale entry that no change
 * will come again to fix. So whoever must not lose its writes asks, once for a whole batch and before
 * its offsets advance, {@code WAIT 1} of every master that has a replica (on Redis Cluster, where the
 * restart guard cannot watch one run id): Redis answers when a replica acknowledged every write this
 * connection made to that master, so a replica promoted afterwards holds them (with one replica per
 * master, or several: Redis Cluster promotes the replica with the largest replication offset).
 *
 * <p>The {@code WAIT} goes over the very node connection the slot-routed writes went over: {@code WAIT}
 * counts the writes of its own connection. A master whose replicas are all failed (or that has none)
 * is not waited for: there is no replica to take over from it. A {@code WAIT} that times out, or a master
 * that cannot be reached, fails the call with a {@link RedisException}, so callers retry the batch as
 * they retry Redis being away, and its offsets do not advance. Which nodes are masters, and their
 * replicas, is Lettuce's view of the topology (refreshed on redirections, reconnects and every few seconds).
 */
final class ReplicaAcknowledgements {
    private final StatefulRedisClusterConnection<byte[], byte[]> connection;
    private final Duration timeout;

    /** @param timeout how long {@code WAIT} waits for a replica: below the command timeout, which also bounds it */
    ReplicaAcknowledgements(StatefulRedisClusterConnection<byte[], byte[]> connection, Duration timeout) {
        this.connection = connection;
        this.timeout = timeout;
    }

    CompletionStage<Void> await() {
        Partitions partitions = connection.getPartitions();
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (RedisClusterNode node : partitions) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.getSlots().isEmpty() && !failed(node)
                    && liveReplicas(partitions, node) > 0) {
                waits.add(waitFor(node.getUri()));
            }
        }
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> waitFor(RedisURI master) {
        return connection.getConnectionAsync(master.getHost(), master.getPort(), ConnectionIntent.WRITE)
                .thenCompose(node -> node.async().waitForReplication(1, timeout.toMillis()))
                .thenAccept(acknowledged -> {
                    if (acknowledged < 1) {
                        throw new RedisException("no replica of the Redis Cluster master " + master.getHost() + ":" + master.getPort()
                                + " acknowledged the writes within " + timeout.toMillis() + " ms (WAIT 1): not applied until one does,"
                                + " since a failover now would lose them");
                    }
                });
    }

    private static long liveReplicas(Partitions partitions, RedisClusterNode master) {
        return partitions.stream().filter(node -> master.getNodeId().equals(node.getSlaveOf()) && !failed(node)).count();
    }

    private static boolean failed(RedisClusterNode node) {
        // Only FAIL, agreed by the masters: a replica merely suspected (PFAIL, "fail?") may still be promoted.
        return node.is(RedisClusterNode.NodeFlag.FAIL) || node.is(RedisClusterNode.NodeFlag.NOADDR);
    }
}
