package io.cachepipe.devstack;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** "Does it answer?" for servers we did not start ourselves. */
final class Probes {
    private Probes() {
    }

    static void awaitKafka(String bootstrapServers, Duration timeout) {
        awaitKafka(bootstrapServers, Map.of(), timeout);
    }

    /** @param clientProperties security settings a client needs on this broker's listener, if any */
    static void awaitKafka(String bootstrapServers, Map<String, String> clientProperties, Duration timeout) {
        int attemptMillis = (int) Math.min(timeout.toMillis(), 5_000);
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, attemptMillis);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, attemptMillis);
        try (Admin admin = Admin.create(config)) {
            Poll.until("Kafka at " + bootstrapServers + " to answer describeCluster", timeout,
                    () -> !admin.describeCluster().nodes().get(attemptMillis, TimeUnit.MILLISECONDS).isEmpty());
        }
    }

    static void awaitRedis(RedisUrl url, Duration timeout) {
        Poll.until("Redis at " + url.host() + ":" + url.port() + " to answer PING", timeout, () -> {
            try (Resp resp = Resp.connect(url.host(), url.port(), Duration.ofSeconds(2))) {
                if (url.password() != null) {
                    if (url.user() != null) {
                        resp.call("AUTH", url.user(), url.password());
                    } else {
                        resp.call("AUTH", url.password());
                    }
                }
                return "PONG".equals(resp.call("PING"));
            }
        });
    }
}
