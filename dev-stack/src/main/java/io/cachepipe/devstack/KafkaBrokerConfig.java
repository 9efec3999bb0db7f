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
}
