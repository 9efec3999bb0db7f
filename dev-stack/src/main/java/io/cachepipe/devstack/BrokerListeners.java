package io.cachepipe.devstack;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * How an embedded broker ({@link EmbeddedKafkaServer}) lays out its client listeners when the one
 * PLAINTEXT listener of the dev stack's broker is not what a test needs: the broker settings, and
 * what a client sets to reach the broker's main port, for the readiness probe.
 */
interface BrokerListeners {
    Properties brokerProperties(Path logDir, int port, int controllerPort);

    Map<String, String> probeProperties();
}
