package io.cachepipe.cli.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Pages an operator command reads from the running processes: a page that does not answer 200 is absent, not an error. */
final class HttpPages {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private HttpPages() {
    }

    /** The body of {@code url}, or null when it cannot be reached or does not answer 200 within 3 seconds. */
    static @Nullable String get(String url) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The metrics of every {@code /metrics} page of {@code urls} that answers. */
    static ScrapedMetrics scrape(List<String> urls) {
        List<String> pages = new ArrayList<>();
        for (String url : urls) {
            String page = get(url);
            if (page != null) {
                pages.add(page);
            }
        }
        return ScrapedMetrics.of(pages);
    }
}
