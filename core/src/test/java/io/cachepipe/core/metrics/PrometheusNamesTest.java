package io.cachepipe.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.TimeGauge;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Library meters are renamed and described so that promtool accepts them; cachepipe's keep their names. */
class PrometheusNamesTest {
    private final io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry = Metrics.prometheus("test");

    @Test
    void libraryMetersInUnitsBelowASecond_areLeftOut_becausePrometheusWantsSeconds() {
        FunctionCounter.builder("kafka.producer.io.time.ns.total", this, any -> 1).register(registry);
        FunctionCounter.builder("process.cpu.time", this, any -> 1).baseUnit("ns").register(registry);
        Gauge.builder("kafka.producer.buffer.available.kb", () -> 1).register(registry);

        String scrape = registry.scrape();
        assertThat(scrape).doesNotContain("io_time").doesNotContain("process_cpu_time")
                .contains("kafka_producer_buffer_available_kilobytes{");
    }

    @Test
    void aGaugeNamedLikeACount_isNamedForWhatItCounts() {
        Gauge.builder("kafka.consumer.connection.count", () -> 2).register(registry);
        Gauge.builder("system.cpu.count", () -> 2).register(registry);

        assertThat(registry.scrape()).contains("kafka_consumer_connections{").contains("system_cpus{").doesNotContain("_count{");
    }

    @Test
    void aLibraryMeterWithoutADescription_isDescribedByItsName() {
        Gauge.builder("kafka.producer.node.request.latency.avg", () -> 1).register(registry);

        assertThat(registry.scrape()).contains("# HELP kafka_producer_node_request_latency_avg Kafka client: producer node request latency avg");
    }

    @Test
    void cachepipeMetrics_keepTheirNames() {
        TimeGauge.builder(MetricNames.CDC_SLOT_LAG_SECONDS, () -> 1, TimeUnit.SECONDS).register(registry);

        assertThat(registry.scrape()).contains("cachepipe_cdc_slot_lag_seconds{");
    }
}
