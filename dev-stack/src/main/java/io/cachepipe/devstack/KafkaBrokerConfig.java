package io.cachepipe.devstack;

import java.nio.file.Path;
import java.util.Properties;

/**
 * Settings for a one-node KRaft cluster in combined mode: one process is broker and controller,
 * the controller quorum is a static voter set of itself. Everything a single node cannot do
 * (replication factor 3 for internal topics) is turned down to 1, and defaults that cost heap or
 * wall time in tests are trimmed.
 */
final class KafkaBrokerConfig {
    static final int NODE_ID = 1;
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    static final String SECURED_LISTENER = "SASL_SSL";
    static final String SASL_MECHANISM = "PLAIN";
    static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";
    /** The default (128 MiB) is allocated on heap when the log cleaner starts. */
    static final long CLEANER_DEDUPE_BUFFER_BYTES = 4L * 1024 * 1024;
    /** The default of 50 partitions makes the first consumer group or transaction wait for 50 partition creations. */
    static final int INTERNAL_TOPIC_PARTITIONS = 5;

    private KafkaBrokerConfig() {
    }

    static Properties singleNode(Path logDir, int port, int controllerPort) {
        String host = Ports.LOOPBACK;
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + host + ":" + port + "," + CONTROLLER_LISTENER + "://" + host + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toString());

        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("share.coordinator.state.topic.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));

        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.cleaner.dedupe.buffer.size", Long.toString(CLEANER_DEDUPE_BUFFER_BYTES));
        props.put("num.partitions", "1");
        props.put("auto.create.topics.enable", "false");
        return props;
    }

    /**
     * One node of a cluster of {@code voters.size()} nodes, each broker and controller (a static voter
     * set of all of them): internal topics replicated to 3 with 2 in sync, and so is a topic created
     * without a replication factor.
     *
     * @param voters the controller port of each node id
     */
    static Properties clusterNode(int nodeId, Path logDir, int port, java.util.Map<Integer, Integer> voters) {
        Integer controllerPort = voters.get(nodeId);
        if (controllerPort == null) {
            throw new IllegalArgumentException("node " + nodeId + " is not among the voters " + voters.keySet());
        }
        Properties props = singleNode(logDir, port, controllerPort);
        props.put("node.id", Integer.toString(nodeId));
        props.put("controller.quorum.voters", voters.entrySet().stream()
                .map(voter -> voter.getKey() + "@" + Ports.LOOPBACK + ":" + voter.getValue())
                .collect(java.util.stream.Collectors.joining(",")));
        String replicas = Integer.toString(Math.min(3, voters.size()));
        String inSync = Integer.toString(Math.min(2, voters.size()));
        props.put("default.replication.factor", replicas);
        props.put("min.insync.replicas", inSync);
        props.put("offsets.topic.replication.factor", replicas);
        props.put("transaction.state.log.replication.factor", replicas);
        props.put("transaction.state.log.min.isr", inSync);
        props.put("share.coordinator.state.topic.replication.factor", replicas);
        props.put("share.coordinator.state.topic.min.isr", inSync);
        return props;
    }

    /**
     * The same node with one listener for clients and brokers, {@value #SECURED_LISTENER}: TLS with the
     * given stores, then SASL/PLAIN against {@code users} (name to password). Only the controller
     * listener stays PLAINTEXT, on loopback, and clients are never told of it. The broker talks to itself
     * as {@code broker}, whose password is in the JAAS entry of the listener.
     */
    static Properties saslSsl(Path logDir, int port, int controllerPort, KafkaTls tls, java.util.Map<String, String> users,
            String brokerPassword) {
        String host = Ports.LOOPBACK;
        Properties props = singleNode(logDir, port, controllerPort);
        String prefix = "listener.name." + SECURED_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
        props.put("listeners", SECURED_LISTENER + "://" + host + ":" + port + "," + CONTROLLER_LISTENER + "://" + host + ":" + controllerPort);
        props.put("advertised.listeners", SECURED_LISTENER + "://" + host + ":" + port);
        props.put("listener.security.protocol.map", SECURED_LISTENER + ":SASL_SSL," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", SECURED_LISTENER);
        props.put("sasl.enabled.mechanisms", SASL_MECHANISM);
        props.put("sasl.mechanism.inter.broker.protocol", SASL_MECHANISM);
        StringBuilder jaas = new StringBuilder(PLAIN_LOGIN_MODULE + " required username=\"broker\" password=\"")
                .append(brokerPassword).append("\" user_broker=\"").append(brokerPassword).append('"');
        users.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
        props.put(prefix + "plain.sasl.jaas.config", jaas.append(';').toString());
        props.put(prefix + "ssl.keystore.location", tls.keystore().toString());
        props.put(prefix + "ssl.keystore.password", tls.password());
        props.put(prefix + "ssl.keystore.type", KafkaTls.STORE_TYPE);
        props.put(prefix + "ssl.truststore.location", tls.truststore().toString());
        props.put(prefix + "ssl.truststore.password", tls.password());
        props.put(prefix + "ssl.truststore.type", KafkaTls.STORE_TYPE);
        props.put(prefix + "ssl.client.auth", "none");
        return props;
    }

    /**
     * The single node with, besides its PLAINTEXT listener, one listener per relay: {@code RELAY_<i>} on
     * {@code relayed.get(i)}, advertised as {@code advertised.get(i)}. A client that bootstraps through a
     * relay (a TCP proxy from the advertised port to the relayed one) is told to reach the broker there
     * too, so all its traffic passes the relay; every other client is told of the PLAINTEXT port.
     */
    static Properties relayed(Path logDir, int port, int controllerPort, java.util.List<Integer> relayed,
            java.util.List<Integer> advertised) {
        String host = Ports.LOOPBACK;
        Properties props = singleNode(logDir, port, controllerPort);
        StringBuilder listeners = new StringBuilder("PLAINTEXT://" + host + ":" + port);
        StringBuilder advertisedListeners = new StringBuilder("PLAINTEXT://" + host + ":" + port);
        StringBuilder protocols = new StringBuilder("PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        for (int i = 0; i < relayed.size(); i++) {
            String name = "RELAY_" + i;
            listeners.append(',').append(name).append("://").append(host).append(':').append(relayed.get(i));
            advertisedListeners.append(',').append(name).append("://").append(host).append(':').append(advertised.get(i));
            protocols.append(',').append(name).append(":PLAINTEXT");
        }
        props.put("listeners", listeners.append(',').append(CONTROLLER_LISTENER).append("://").append(host).append(':')
                .append(controllerPort).toString());
        props.put("advertised.listeners", advertisedListeners.toString());
        props.put("listener.security.protocol.map", protocols.toString());
        return props;
    }
}
