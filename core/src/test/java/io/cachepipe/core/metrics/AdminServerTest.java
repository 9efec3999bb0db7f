package io.cachepipe.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The admin port of cdc-capture, the invalidator and the warmer: live, ready, version, metrics. */
class AdminServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void liveWhileTheProcessAnswers_readyOnlyWhenItWorks_andItsVersionAndMetrics() throws Exception {
        var ready = new AtomicBoolean(false);
        try (AdminServer admin = AdminServer.start("127.0.0.1", 0, Metrics.prometheus("test"), ready::get)) {
            String base = "http://127.0.0.1:" + admin.port();

            assertThat(get(base + "/health/live")).isEqualTo("200 {\"live\":true}");
            assertThat(get(base + "/health/ready")).isEqualTo("503 {\"ready\":false}");
            ready.set(true);
            assertThat(get(base + "/health/ready")).isEqualTo("200 {\"ready\":true}");
            assertThat(get(base + "/version")).isEqualTo("200 {\"version\":\"" + MetricNames.version() + "\"}");
            assertThat(get(base + "/metrics")).contains("cachepipe_build_info{process=\"test\",version=\"" + MetricNames.version() + "\"} 1");
        }
    }

    @Test
    void metricsAskedForByName_areTheOnlyOnesRendered() throws Exception {
        var registry = Metrics.prometheus("test");
        registry.counter("cachepipe.invalidator.changes", "table", "public.products").increment(3);
        registry.counter("cachepipe.other").increment();
        try (AdminServer admin = AdminServer.start("127.0.0.1", 0, registry, () -> true)) {
            String base = "http://127.0.0.1:" + admin.port() + "/metrics";

            String one = get(base + "?name%5B%5D=cachepipe_invalidator_changes_total");
            assertThat(one).contains("cachepipe_invalidator_changes_total{process=\"test\",table=\"public.products\"} 3.0")
                    .doesNotContain("cachepipe_other").doesNotContain("cachepipe_build_info");
            assertThat(get(base + "?name[]=cachepipe_other_total&name[]=cachepipe_build_info"))
                    .contains("cachepipe_other_total").contains("cachepipe_build_info").doesNotContain("cachepipe_invalidator_changes");
            assertThat(get(base)).contains("cachepipe_other_total").contains("cachepipe_invalidator_changes_total");
        }
    }

    private String get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }
}
