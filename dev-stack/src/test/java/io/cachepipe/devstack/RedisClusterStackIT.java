package io.cachepipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisClusterStackIT {
    private static final Path ROOT = Path.of(System.getProperty("cachepipe.devstack.dir", "target/dev-stack"));
    private static RedisClusterStack cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterStack.start(ROOT);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyNode_reportsClusterStateOk_withAllSlotsAssigned() throws IOException {
        assertThat(cluster.seedUris()).hasSize(RedisClusterStack.DEFAULT_MASTERS)
                .allSatisfy(uri -> assertThat(uri).startsWith("redis://127.0.0.1:"));
        for (int port : cluster.ports()) {
            String info = call(port, "CLUSTER", "INFO").toString();
            assertThat(info).contains("cluster_state:ok", "cluster_slots_assigned:16384", "cluster_known_nodes:3");
        }
    }

    @Test
    void keysWithDifferentHashTags_landOnDifferentNodes_whichAcceptTheirWrites() throws IOException {
        TreeMap<Long, Integer> ownerBySlotStart = slotOwners();
        Map<Integer, String> keyByOwner = new HashMap<>();
        for (int i = 0; keyByOwner.size() < RedisClusterStack.DEFAULT_MASTERS && i < 1_000; i++) {
            String key = "{product:" + i + "}:detail";
            long slot = (Long) call(cluster.ports().getFirst(), "CLUSTER", "KEYSLOT", key);
            keyByOwner.putIfAbsent(ownerBySlotStart.floorEntry(slot).getValue(), key);
        }

        assertThat(keyByOwner).hasSize(RedisClusterStack.DEFAULT_MASTERS);
        keyByOwner.forEach((port, key) -> {
            try {
                assertThat(call(port, "SET", key, "cached")).isEqualTo("OK");
                int other = cluster.ports().stream().filter(p -> !p.equals(port)).findFirst().orElseThrow();
                assertThatThrownBy(() -> call(other, "SET", key, "cached")).hasMessageStartingWith("MOVED ");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void aScriptOverKeysSharingAHashTag_runs_butNotAcrossSlots() throws IOException {
        String script = "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('SET', KEYS[2], ARGV[1])";
        String first = "{category:7}:page:1";
        String second = "{category:7}:version";
        int owner = slotOwners().floorEntry((Long) call(cluster.ports().getFirst(), "CLUSTER", "KEYSLOT", first)).getValue();

        assertThat(call(owner, "EVAL", script, "2", first, second, "v1")).isEqualTo("OK");
        assertThatThrownBy(() -> call(owner, "EVAL", script, "2", first, "{category:8}:version", "v1"))
                .hasMessageContaining("CROSSSLOT");
    }

    /** Slot range start to the port of the node that owns the range, from CLUSTER SLOTS. */
    private static TreeMap<Long, Integer> slotOwners() throws IOException {
        TreeMap<Long, Integer> owners = new TreeMap<>();
        for (Object range : (List<?>) call(cluster.ports().getFirst(), "CLUSTER", "SLOTS")) {
            List<?> fields = (List<?>) range;
            List<?> master = (List<?>) fields.get(2);
            owners.put((Long) fields.get(0), ((Long) master.get(1)).intValue());
        }
        return owners;
    }

    private static Object call(int port, String... command) throws IOException {
        try (Resp resp = Resp.connect("127.0.0.1", port, Duration.ofSeconds(5))) {
            return resp.call(command);
        }
    }
}
