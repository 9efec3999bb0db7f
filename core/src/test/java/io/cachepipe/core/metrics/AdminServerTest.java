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

    private String get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }
}
