package io.cachepipe.devstack;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the live nodes of a Redis Cluster agree each node is: a master, or the replica of which master. One
 * node's view alone is not enough: a replica is known as such to the others only through gossip, and until then
 * they list it as a master without slots.
 */
final class ClusterRoles {
    static final String MASTER = "master";

    private ClusterRoles() {
    }

    /**
     * The role of each node on a port of {@code live} ({@value #MASTER} or the id of its master) as every one of them
     * sees it; empty while two views differ, one lacks a live node or one still calls a live node failed.
     */
    static Map<Integer, String> agreed(Set<Integer> live) throws IOException {
        Map<Integer, String> agreed = null;
        for (int port : live) {
            Map<Integer, String> seen = new HashMap<>();
            for (ClusterNodes.Node node : ClusterNodes.of(port).nodes()) {
                if (live.contains(node.port())) {
                    if (node.failed()) {
                        return Map.of();
                    }
                    seen.put(node.port(), node.master() ? MASTER : node.masterId());
                }
            }
            if (!seen.keySet().equals(live) || agreed != null && !agreed.equals(seen)) {
                return Map.of();
            }
            agreed = seen;
        }
        return agreed == null ? Map.of() : agreed;
    }

    /** Whether every replica of {@code roles} has a link to its master and no sync in progress; false for no roles. */
    static boolean replicasInSync(Map<Integer, String> roles) throws IOException {
        if (roles.isEmpty()) {
            return false;
        }
        for (Map.Entry<Integer, String> role : roles.entrySet()) {
            if (!role.getValue().equals(MASTER) && !inSync(role.getKey())) {
                return false;
            }
        }
        return true;
    }

    /** Whether the node on {@code port} is a replica with its link to its master up and no sync in progress. */
    static boolean inSync(int port) throws IOException {
        try (Resp resp = RedisClusterStack.connect(port)) {
            String info = resp.callForText("INFO", "replication");
            return info.contains("role:slave") && info.contains("master_link_status:up") && info.contains("master_sync_in_progress:0");
        }
    }
}
