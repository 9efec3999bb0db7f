package io.cachepipe.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * How to reach Redis, standalone or cluster, and where cachepipe's keys live.
 *
 * @param clusterNodes seed nodes of a Redis Cluster; empty for a standalone server at {@code url}
 * @param namespace    prefix of every key cachepipe writes
 * @param timeout      bound on every Redis command; past it the caller falls back to PostgreSQL
 * @param commandMetrics whether every Redis command's latency is timed on /metrics (Lettuce's per-command timers)
 */
public record RedisConfig(URI url, List<URI> clusterNodes, String namespace, Duration timeout, boolean commandMetrics) {
    public static final Setting<URI> URL = Setting.optional("redis.url", "redis://127.0.0.1:6379",
            Parsers.uri("redis", "rediss", "redis-sentinel", "rediss-sentinel"),
            "Redis URL: redis:// or rediss:// (TLS) for one server, redis-sentinel://host:26379[,host2:26379]#master for Sentinel");
    public static final Setting<List<String>> CLUSTER_NODES = Setting.optional("redis.cluster-nodes", "",
            Parsers.list(), "comma-separated redis:// URLs of Redis Cluster seed nodes; when set, redis.url is ignored");
    public static final Setting<String> NAMESPACE = Setting.optional("redis.namespace", "cp:", Parsers.nonBlank(),
            "prefix of every cache key");
    public static final Setting<Duration> TIMEOUT = Setting.optional("redis.timeout", "500ms",
            Parsers.duration(Duration.ofMillis(1), Duration.ofMinutes(1)), "timeout of each Redis command");
    public static final Setting<Boolean> COMMAND_METRICS = Setting.optional("redis.command-metrics", "false", Parsers.bool(),
            "time every Redis command on /metrics (lettuce_command_*); off by default: it cost the invalidator about a tenth "
                    + "more CPU per change in the stage benchmark");

    /** A connection without per-command timers. */
    public RedisConfig(URI url, List<URI> clusterNodes, String namespace, Duration timeout) {
        this(url, clusterNodes, namespace, timeout, false);
    }

    public RedisConfig {
        clusterNodes = List.copyOf(clusterNodes);
        var problems = new Problems();
        for (URI node : clusterNodes) {
            problems.check("redis".equals(node.getScheme()) || "rediss".equals(node.getScheme()),
                    "redis.cluster-nodes: '" + Secrets.maskUrlPasswords(node.toString()) + "' is not a redis:// URL");
        }
        problems.check(!namespace.contains("{") && !namespace.contains("}") && !namespace.contains("*"),
                "redis.namespace = '" + namespace + "': must not contain '{', '}' or '*' (hash tags and patterns are cachepipe's)");
        problems.throwIfAny();
    }

    public static RedisConfig read(Settings settings) {
        List<String> nodes = settings.get(CLUSTER_NODES);
        List<URI> uris = new java.util.ArrayList<>();
        for (String node : nodes == null ? List.<String>of() : nodes) {
            try {
                uris.add(URI.create(node));
            } catch (IllegalArgumentException e) {
                settings.addProblem("redis.cluster-nodes: '" + Secrets.maskUrlPasswords(node) + "' is not a valid URI");
            }
        }
        Settings.Values values = settings.require(URL, NAMESPACE, TIMEOUT, COMMAND_METRICS);
        return new RedisConfig(values.get(URL), uris, values.get(NAMESPACE), values.get(TIMEOUT), values.get(COMMAND_METRICS));
    }

    public static List<Setting<?>> settings() {
        return List.of(URL, CLUSTER_NODES, NAMESPACE, TIMEOUT, COMMAND_METRICS);
    }

    public boolean isCluster() {
        return !clusterNodes.isEmpty();
    }

    /** Where Redis is, fit for a log line or an error message: URL passwords masked. */
    public String address() {
        return Secrets.maskUrlPasswords(isCluster() ? "Redis Cluster " + clusterNodes : "Redis " + url);
    }

    /** Never prints a password a URL carries. */
    @Override
    public String toString() {
        return Secrets.maskUrlPasswords("RedisConfig[url=" + url + ", clusterNodes=" + clusterNodes + ", namespace=" + namespace
                + ", timeout=" + timeout + ", commandMetrics=" + commandMetrics + "]");
    }
}
