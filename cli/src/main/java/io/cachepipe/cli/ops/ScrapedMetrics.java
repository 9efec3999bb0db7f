package io.cachepipe.cli.ops;

import io.cachepipe.core.metrics.HistogramQuantile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Series read from the processes' {@code /metrics} pages (Prometheus text format), summed over the
 * processes: what an operator command shows of figures only the running processes hold.
 */
final class ScrapedMetrics {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One sample: its series name, labels and value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples = new ArrayList<>();

    /** The samples of every page given (pages that could not be read are left out by the caller). */
    static ScrapedMetrics of(List<String> pages) {
        var metrics = new ScrapedMetrics();
        for (String page : pages) {
            for (String line : page.split("\n")) {
                Matcher matcher = SAMPLE.matcher(line);
                if (!line.startsWith("#") && matcher.matches()) {
                    metrics.samples.add(new Sample(matcher.group(1), labels(matcher.group(2)), value(matcher.group(3))));
                }
            }
        }
        return metrics;
    }

    boolean isEmpty() {
        return samples.isEmpty();
    }

    /**
     * The cumulative buckets of histogram {@code name} (without {@code _bucket}), summed per value of
     * the labels {@code by} (joined with a space), each keyed by its upper bound.
     */
    Map<String, TreeMap<Double, Double>> histograms(String name, String... by) {
        Map<String, TreeMap<Double, Double>> histograms = new TreeMap<>();
        for (Sample sample : samples) {
            String le = sample.labels().get("le");
            if (sample.name().equals(name + "_bucket") && le != null) {
                histograms.computeIfAbsent(key(sample, by), k -> new TreeMap<>()).merge(value(le), sample.value(), Double::sum);
            }
        }
        return histograms;
    }

    /** The sum of series {@code name} per value of the labels {@code by}. */
    Map<String, Double> sums(String name, String... by) {
        Map<String, Double> sums = new TreeMap<>();
        for (Sample sample : samples) {
            if (sample.name().equals(name)) {
                sums.merge(key(sample, by), sample.value(), Double::sum);
            }
        }
        return sums;
    }

    /** The {@code quantile} of cumulative buckets, in the buckets' unit, as Prometheus' histogram_quantile. */
    static double quantile(TreeMap<Double, Double> buckets, double quantile) {
        return HistogramQuantile.of(buckets, quantile);
    }

    private static String key(Sample sample, String... by) {
        List<String> values = new ArrayList<>();
        for (String label : by) {
            values.add(sample.labels().getOrDefault(label, ""));
        }
        return String.join(" ", values);
    }

    private static Map<String, String> labels(@Nullable String text) {
        Map<String, String> labels = new TreeMap<>();
        if (text != null) {
            Matcher matcher = LABEL.matcher(text);
            while (matcher.find()) {
                labels.put(matcher.group(1), matcher.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
        }
        return labels;
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }
}
