package io.cachepipe.devstack;

import java.io.IOException;
import java.util.List;

/**
 * Forms a Redis Cluster out of fresh nodes as {@code redis-cli --cluster create} does: an even range of the
 * slots and a distinct config epoch for each of the first {@code masters} nodes, {@code CLUSTER MEET} from
 * the first node to every other, {@code CLUSTER REPLICATE} for the rest (round robin over the masters), then
 * {@code cluster_state:ok} on every node.
 */
final class ClusterFormation {
    private ClusterFormation() {
    }

    static void form(List<Integer> ports, List<Integer> busPorts, int masters) throws IOException {
        int count = ports.size();
        for (int i = 0; i < masters; i++) {
            try (Resp node = RedisClusterStack.connect(ports.get(i))) {
                node.call("CLUSTER", "ADDSLOTSRANGE",
                        Integer.toString(i * RedisClusterStack.SLOTS / masters), Integer.toString((i + 1) * RedisClusterStack.SLOTS / masters - 1));
                node.call("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
            }
        }
        try (Resp first = RedisClusterStack.connect(ports.getFirst())) {
            for (int i = 1; i < count; i++) {
                first.call("CLUSTER", "MEET", Ports.LOOPBACK, Integer.toString(ports.get(i)), Integer.toString(busPorts.get(i)));
            }
        }
        for (int port : ports) {
            Poll.until("Redis Cluster node " + port + " to know all " + count + " nodes", RedisClusterStack.FORM_TIMEOUT, () -> {
                try (Resp resp = RedisClusterStack.connect(port)) {
                    return resp.callForText("CLUSTER", "INFO").contains("cluster_known_nodes:" + count + "\r\n");
                }
            });
        }
        for (int i = masters; i < count; i++) {
            String masterId = RedisClusterStack.nodeId(ports.get(i % masters));
            try (Resp replica = RedisClusterStack.connect(ports.get(i))) {
                replica.call("CLUSTER", "REPLICATE", masterId);
            }
        }
        for (int port : ports) {
            Poll.until("Redis Cluster node " + port + " to report cluster_state:ok", RedisClusterStack.FORM_TIMEOUT,
                    () -> info(port).contains("cluster_state:ok"));
        }
    }

    private static String info(int port) throws IOException {
        try (Resp resp = RedisClusterStack.connect(port)) {
            return resp.callForText("CLUSTER", "INFO");
        }
    }
}
