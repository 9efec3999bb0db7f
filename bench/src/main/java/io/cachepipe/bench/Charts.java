package io.cachepipe.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG charts of docs/benchmarks.md, drawn from a report with XChart. */
final class Charts {
    static final String THROUGHPUT = "read-throughput.png";
    static final String LATENCY = "read-latency-p99.png";
    static final String DISTRIBUTION = "read-latency-by-percentile.png";
    static final String CHANGE_RATE = "change-rate.png";
    static final String PATTERN = "pattern-invalidation.png";

    private static final int WIDTH = 900;
    private static final int HEIGHT = 480;
    private static final Color[] MODE_COLORS = {new Color(0x1b9e77), new Color(0x7570b3), new Color(0xd95f02), new Color(0x999999)};

    private Charts() {
    }

    /** Writes every chart the report has data for into {@code dir}; answers the files written. */
    static List<Path> write(Report report, Path dir) throws IOException {
        List<Path> written = new ArrayList<>();
        written.add(save(byEndpoint(report.readPath(), "Saturated throughput by endpoint (log scale)", "requests / s",
                Report.ModeResult::throughput, true), dir, THROUGHPUT));
        written.add(save(byEndpoint(report.readPath(), String.format(Locale.ROOT,
                        "p99 latency at the same arrival rate per endpoint (open loop, log scale)"), "ms",
                mode -> mode.latency().p99(), true), dir, LATENCY));
        written.add(save(distribution(report.readPath()), dir, DISTRIBUTION));
        if (report.changeRate() != null) {
            written.add(save(changeRate(report.changeRate()), dir, CHANGE_RATE));
        }
        return written;
    }

    static Path writePattern(PatternReport report, Path dir) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(String.format(Locale.ROOT, "Invalidating one pattern of %,d keys among %,d", report.groupSize(), report.keys()))
                .yAxisTitle("ms (log scale)").build();
        style(chart);
        chart.getStyler().setYAxisLogarithmic(true);
        List<String> percentiles = List.of("p50", "p99");
        chart.addSeries("group index (cachepipe)", percentiles, List.of(report.group().p50(), report.group().p99()));
        chart.addSeries("SCAN MATCH + DEL", percentiles, List.of(report.scan().p50(), report.scan().p99()));
        logFloor(chart, Math.min(report.group().p50(), report.scan().p50()));
        return save(chart, dir, PATTERN);
    }

    private static CategoryChart byEndpoint(Report.ReadPath read, String title, String unit,
                                            ToDoubleFunction<Report.ModeResult> value, boolean log) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).yAxisTitle(unit).build();
        style(chart);
        chart.getStyler().setYAxisLogarithmic(log);
        List<String> endpoints = read.endpoints().stream().map(Report.EndpointResult::endpoint).toList();
        List<String> modes = read.endpoints().getFirst().modes().stream().map(Report.ModeResult::mode).toList();
        for (String mode : modes) {
            // A log axis takes no zero: a mode missing from an endpoint is drawn at the axis floor.
            List<Double> values = read.endpoints().stream()
                    .map(endpoint -> endpoint.mode(mode) == null ? 0.001 : Math.max(0.001, value.applyAsDouble(endpoint.mode(mode)))).toList();
            chart.addSeries(mode, endpoints, values);
        }
        if (log) {
            logFloor(chart, read.endpoints().stream().flatMap(e -> e.modes().stream()).mapToDouble(value).filter(v -> v > 0).min().orElse(1));
        }
        return chart;
    }

    /** Latency by percentile of the mixed endpoint, HdrHistogram style: one point per percentile, the tail stretched out. */
    private static CategoryChart distribution(Report.ReadPath read) {
        Report.EndpointResult mixed = read.endpoint("mixed");
        CategoryChart chart = lines(String.format(Locale.ROOT, "Latency by percentile, mixed endpoint at %,.0f req/s (open loop)",
                mixed == null ? 0 : mixed.modes().getFirst().latencyRate()), "percentile", "ms (log scale)");
        List<String> percentiles = Report.CURVE_PERCENTILES.stream().map(p -> "p" + trim(p)).toList();
        double smallest = Double.MAX_VALUE;
        for (Report.ModeResult mode : mixed == null ? List.<Report.ModeResult>of() : mixed.modes()) {
            List<Double> values = mode.latencyCurve().stream().map(ms -> Math.max(0.001, ms)).toList();
            chart.addSeries(mode.mode(), percentiles, values).setMarker(SeriesMarkers.CIRCLE);
            smallest = Math.min(smallest, values.stream().mapToDouble(Double::doubleValue).min().orElse(1));
        }
        logFloor(chart, smallest);
        return chart;
    }

    private static CategoryChart changeRate(Report.ChangeRate sweep) {
        CategoryChart chart = lines(String.format(Locale.ROOT, "Change rate sweep: knee at %,.0f changes/s (lag bound %.0f ms)",
                sweep.kneePerSecond(), sweep.lagBoundMs()), "target changes / s", "ms (log scale)");
        List<String> x = sweep.steps().stream().map(s -> String.format(Locale.ROOT, "%,.0f", s.targetPerSecond())).toList();
        chart.addSeries("commit -> invalidated p50", x, sweep.steps().stream().map(s -> Math.max(0.1, s.invalidated().p50())).toList())
                .setMarker(SeriesMarkers.CIRCLE);
        chart.addSeries("commit -> invalidated p99", x, sweep.steps().stream().map(s -> Math.max(0.1, s.invalidated().p99())).toList())
                .setMarker(SeriesMarkers.DIAMOND);
        chart.addSeries("drain after writers stop", x, sweep.steps().stream().map(s -> Math.max(0.1, s.drainMs())).toList())
                .setMarker(SeriesMarkers.SQUARE);
        chart.addSeries("lag bound", x, x.stream().map(v -> sweep.lagBoundMs()).toList()).setMarker(SeriesMarkers.NONE);
        logFloor(chart, sweep.steps().stream().mapToDouble(s -> Math.max(0.1, s.invalidated().p50())).min().orElse(1));
        return chart;
    }

    /** A category chart drawn as lines over a log y axis. */
    private static CategoryChart lines(String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
                .build();
        style(chart);
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeriesRenderStyle.Line);
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setYAxisLogarithmic(true);
        return chart;
    }

    /**
     * Bars of a log-scale category chart need an axis floor above zero, or XChart refuses to draw:
     * the decade below the smallest value.
     */
    private static void logFloor(CategoryChart chart, double smallest) {
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(Math.max(1e-3, smallest)))));
    }

    private static String trim(double percentile) {
        String text = String.format(Locale.ROOT, "%.3f", percentile);
        return text.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static void style(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
        Styler styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setSeriesColors(MODE_COLORS);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setAntiAlias(true);
    }

    private static Path save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }
}
