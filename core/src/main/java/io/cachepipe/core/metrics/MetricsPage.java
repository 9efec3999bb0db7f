package io.cachepipe.core.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code /metrics} page of every process, in Prometheus's text format. Like Prometheus's own
 * exporters it takes {@code ?name[]=<metric>} (repeatable) to render only those metrics: a Kafka
 * Streams process registers hundreds of meters, and a probe that needs one counter several times a
 * second (a benchmark watching progress) would otherwise cost the process more than its work does.
 */
public final class MetricsPage {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String NAME_PARAMETER = "name[]";
    private static final List<String> TYPE_SUFFIXES = List.of("_total", "_info", "_count", "_sum", "_bucket");

    private MetricsPage() {
    }

    /** The page for a request's raw query string (null or empty: every metric). */
    public static String render(PrometheusMeterRegistry registry, @Nullable String rawQuery) {
        Set<String> names = names(rawQuery);
        return names.isEmpty() ? registry.scrape() : registry.scrape(CONTENT_TYPE, names);
    }

    /**
     * The metric names a query asks for. A series is asked for by its exposed name ({@code x_total},
     * {@code x_info}, {@code x_count}) or its family's ({@code x}): both are matched, since the registry
     * knows a family by the name without the suffix its type adds.
     */
    static Set<String> names(@Nullable String rawQuery) {
        Set<String> names = new LinkedHashSet<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return names;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                continue;
            }
            String key = URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            if (key.equals(NAME_PARAMETER) && !value.isEmpty()) {
                names.add(value);
                for (String suffix : TYPE_SUFFIXES) {
                    if (value.endsWith(suffix)) {
                        names.add(value.substring(0, value.length() - suffix.length()));
                    }
                }
            }
        }
        return names;
    }
}
