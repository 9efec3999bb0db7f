package io.cachepipe.cdc;

import io.cachepipe.core.metrics.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Debezium's own streaming figures (its JMX MBean {@code debezium.postgres:type=connector-metrics,
 * context=streaming,server=<topic prefix>}) as gauges on {@code /metrics}: how far behind the source
 * the connector reads, how full its queue is, whether it is connected. NaN until the connector
 * streams (during the snapshot, and while it restarts). The gauges hold their source strongly: nothing
 * else does.
 */
final class DebeziumMetrics {
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final ObjectName streaming;

    private DebeziumMetrics(String topicPrefix) {
        try {
            this.streaming = new ObjectName("debezium.postgres:type=connector-metrics,context=streaming,server="
                    + ObjectName.quote(topicPrefix).replaceAll("^\"|\"$", "") + ",*");
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("topic prefix " + topicPrefix + " cannot name an MBean", e);
        }
    }

    static void bind(String topicPrefix, MeterRegistry metrics) {
        var source = new DebeziumMetrics(topicPrefix);
        Gauge.builder(MetricNames.CDC_BEHIND_SOURCE, source, it -> it.read("MilliSecondsBehindSource") / 1000.0)
                .baseUnit("seconds").strongReference(true).register(metrics);
        Gauge.builder(MetricNames.CDC_QUEUE_REMAINING, source, it -> it.read("QueueRemainingCapacity")).strongReference(true).register(metrics);
        Gauge.builder(MetricNames.CDC_QUEUE_CAPACITY, source, it -> it.read("QueueTotalCapacity")).strongReference(true).register(metrics);
        Gauge.builder(MetricNames.CDC_CONNECTED, source, it -> it.read("Connected")).strongReference(true).register(metrics);
    }

    /** The attribute as a number (a boolean as 1 or 0), NaN when the MBean or the attribute is not there. */
    private double read(String attribute) {
        try {
            Set<ObjectName> names = server.queryNames(streaming, null);
            if (names.isEmpty()) {
                return Double.NaN;
            }
            Object value = server.getAttribute(names.iterator().next(), attribute);
            if (value instanceof Number number) {
                return number.doubleValue();
            }
            if (value instanceof Boolean flag) {
                return flag ? 1 : 0;
            }
            return Double.NaN;
        } catch (Exception e) {
            return Double.NaN;
        }
    }
}
