package io.cachepipe.devstack;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One node's view of a Redis Cluster, parsed from {@code CLUSTER NODES}: which node is master of
 * which slots, which replicates which, and which are failed. Lines look like
 * {@code <id> <ip:port@cport> <flags> <master-id|-> <ping> <pong> <epoch> <link> <slot ranges...>}.
 */
record ClusterNodes(List<Node> nodes) {
    /** One line of {@code CLUSTER NODES}. */
    record Node(String id, int port, boolean master, boolean failed, String masterId, List<int[]> slots) {
        boolean owns(int slot) {
            return slots.stream().anyMatch(range -> range[0] <= slot && slot <= range[1]);
        }
    }

    static ClusterNodes of(int port) throws IOException {
        try (Resp resp = Resp.connect(Ports.LOOPBACK, port, Duration.ofSeconds(5))) {
            return parse(resp.callForText("CLUSTER", "NODES"));
        }
    }

    static ClusterNodes parse(String text) {
        List<Node> nodes = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.strip().split(" ");
            String address = fields[1];
            int port = Integer.parseInt(address.substring(address.indexOf(':') + 1, address.indexOf('@')));
            List<String> flags = List.of(fields[2].split(","));
            List<int[]> slots = new ArrayList<>();
            for (int i = 8; i < fields.length; i++) {
                if (fields[i].startsWith("[")) {
                    continue; // a slot being imported or migrated, still owned by its source
                }
                String[] range = fields[i].split("-");
                slots.add(new int[] {Integer.parseInt(range[0]), Integer.parseInt(range[range.length - 1])});
            }
            nodes.add(new Node(fields[0], port, flags.contains("master"), flags.contains("fail") || flags.contains("fail?"),
                    fields[3], slots));
        }
        return new ClusterNodes(List.copyOf(nodes));
    }

    Optional<Node> byPort(int port) {
        return nodes.stream().filter(node -> node.port() == port).findFirst();
    }

    Optional<Node> ownerOf(int slot) {
        return nodes.stream().filter(node -> node.master() && !node.failed() && node.owns(slot)).findFirst();
    }

    List<Node> masters() {
        return nodes.stream().filter(node -> node.master() && !node.failed() && !node.slots().isEmpty()).toList();
    }

    /** One line per node, port and role, for a failure message. */
    String describe() {
        return nodes.stream().map(node -> node.port() + (node.master() ? " master" : " replica of " + node.masterId())
                + (node.failed() ? " (failed)" : "")).collect(Collectors.joining(", ", "[", "]"));
    }

    List<Node> replicasOf(String masterId) {
        return nodes.stream().filter(node -> !node.master() && node.masterId().equals(masterId)).toList();
    }
}
