package io.cachepipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three masters with a replica each: a killed master is replaced by its replica with what the replica
 * had acknowledged, the killed node rejoins as a replica, and a slot moves between masters through a
 * phase in which the source answers ASK for keys it gave away and MOVED once the move is done.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RedisClusterFailoverIT {
    private static final Path ROOT = Path.of(System.getProperty("cachepipe.devstack.dir", "target/dev-stack"), "with-replicas");
    private static RedisClusterStack cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterStack.startWithReplicas(ROOT);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyMaster_hasAReplicaInSync() throws IOException {
        assertThat(cluster.ports()).hasSize(6);
        assertThat(cluster.masterPorts()).hasSize(3);
        for (int master : cluster.masterPorts()) {
            int replica = cluster.replicaOf(master);
            assertThat(call(replica, "INFO", "replication").toString()).contains("role:slave", "master_port:" + master,
                    "master_link_status:up");
        }
    }

    @Test
    void aKilledMaster_isReplacedByItsReplica_withWhatItAcknowledged_andRejoinsAsReplica() throws IOException {
        String key = "{failover}:acknowledged";
        int slot = cluster.slotOf(key);
        int master = cluster.masterOf(slot);
        int replica = cluster.replicaOf(master);
        try (Resp resp = RedisClusterStack.connect(master)) {
            resp.call("SET", key, "kept");
            assertThat(resp.call("WAIT", "1", "5000")).as("replicas that acknowledged").isEqualTo(1L);
        }

        long killed = System.nanoTime();
        cluster.kill(master);
        int promoted = cluster.awaitFailover(master, slot, Duration.ofSeconds(60));
        long failoverMs = (System.nanoTime() - killed) / 1_000_000;
        cluster.restart(master, Duration.ofSeconds(60));
        System.out.printf("master %d killed; replica %d took slot %d over in %d ms; %d rejoined as its replica%n", master, promoted,
                slot, failoverMs, master);

        assertThat(promoted).isEqualTo(replica);
        assertThat(call(promoted, "GET", key)).isEqualTo("kept");
        assertThat(cluster.replicaOf(promoted)).isEqualTo(master);
        assertThat(call(master, "INFO", "replication").toString()).contains("role:slave", "master_port:" + promoted);
        assertThat(call(master, "CLUSTER", "INFO").toString()).contains("cluster_state:ok");
    }

    @Test
    void aSlotMovedKeyByKey_answersAskForMovedKeys_thenMovedOnceHandedOver() throws IOException {
        String tag = "{migrating}";
        int slot = cluster.slotOf(tag);
        int source = cluster.masterOf(slot);
        int target = cluster.masterPorts().stream().filter(port -> port != source).findFirst().orElseThrow();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            keys.add(tag + ":" + i);
            call(source, "SET", tag + ":" + i, "v" + i);
        }

        SlotMigration migration = cluster.migrate(slot, target);
        assertThat(migration.moveKeys(20)).isEqualTo(20);
        assertThat(migration.keysLeft()).isEqualTo(30);
        List<String> asked = new ArrayList<>();
        for (String key : keys) {
            try {
                call(source, "GET", key);
            } catch (Resp.ErrorReply e) {
                assertThat(e.getMessage()).isEqualTo("ASK " + slot + " 127.0.0.1:" + target);
                asked.add(key);
            }
        }
        assertThat(asked).hasSize(20);
        assertThatThrownBy(() -> call(source, "MGET", keys.getFirst(), keys.getLast())).satisfies(
                error -> assertThat(error.getMessage()).startsWith(asked.contains(keys.getFirst()) == asked.contains(keys.getLast())
                        ? "ASK" : "TRYAGAIN"));

        assertThat(migration.finish()).isEqualTo(50);
        assertThat(cluster.masterOf(slot)).isEqualTo(target);
        assertThatThrownBy(() -> call(source, "GET", keys.getFirst())).hasMessage("MOVED " + slot + " 127.0.0.1:" + target);
        for (int i = 0; i < keys.size(); i++) {
            assertThat(call(target, "GET", keys.get(i))).isEqualTo("v" + i);
        }
    }

    private static Object call(int port, String... command) throws IOException {
        try (Resp resp = Resp.connect("127.0.0.1", port, Duration.ofSeconds(5))) {
            return resp.call(command);
        }
    }
}
