package io.cachepipe.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
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
        Report.ReadPath read = report.readPath();
        if (read != null) { // a --no-read-path run has none
            written.add(save(byEndpoint(read, "Saturated throughput by endpoint (log scale)", "requests / s",
                    Report.ModeResult::throughput, true), dir, THROUGHPUT));
            written.add(save(byEndpoint(read, String.format(Locale.ROOT,
                            "p99 latency at the same arrival rate per endpoint (open loop, log scale)"), "ms",
                    mode -> mode.latency().p99(), true), dir, LATENCY));
            written.add(save(distribution(read), dir, DISTRIBUTION));
        }
        if (report.changeRate() != null || report.bulkChangeRate() != null) {
            written.add(save(changeRates(report.changeRate(), report.bulkChangeRate()), dir, CHANGE_RATE));
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

    /**
     * Commit → invalidated p99 against the rate written, both axes logarithmic, one line per writer
     * shape, with the lag bound and each shape's PostgreSQL-alone rate as a vertical mark.
     */
    private static XYChart changeRates(Report.@Nullable ChangeRate single, Report.@Nullable ChangeRate bulk) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Change-rate sweeps: commit -> invalidated p99 by rate written")
                .xAxisTitle("row changes written / s (log scale)").yAxisTitle("ms (log scale)").build();
        style(chart);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        double highest = 1;
        for (Report.ChangeRate sweep : java.util.Arrays.asList(single, bulk)) {
            if (sweep == null) {
                continue;
            }
            List<Report.ChangeRateStep> steps = sweep.steps().stream()
                    .sorted(java.util.Comparator.comparingDouble(Report.ChangeRateStep::achievedPerSecond)).toList();
            chart.addSeries(sweep.writer() + ": p99", steps.stream().map(Report.ChangeRateStep::achievedPerSecond).toList(),
                    steps.stream().map(step -> Math.max(0.1, step.invalidated().p99())).toList()).setMarker(SeriesMarkers.CIRCLE);
            highest = Math.max(highest, steps.stream().mapToDouble(step -> step.invalidated().p99()).max().orElse(1));
        }
        for (Report.ChangeRate sweep : java.util.Arrays.asList(single, bulk)) {
            if (sweep != null && sweep.postgresAlonePerSecond() > 0) {
                String runs = sweep.postgresAloneAfterPerSecond() > 0 ? " (the higher of 2 runs), " : ", ";
                chart.addSeries("PostgreSQL alone" + runs + sweep.writer(), List.of(sweep.postgresAloneHighest(), sweep.postgresAloneHighest()),
                        List.of(1.0, Math.max(10, highest))).setMarker(SeriesMarkers.NONE);
            }
        }
        Report.ChangeRate any = single != null ? single : bulk;
        if (any == null) {
            throw new IllegalArgumentException("no change-rate sweep to chart");
        }
        double lowest = java.util.stream.Stream.of(single, bulk).filter(java.util.Objects::nonNull)
                .flatMap(sweep -> sweep.steps().stream()).mapToDouble(Report.ChangeRateStep::achievedPerSecond).min().orElse(1);
        double widest = java.util.stream.Stream.of(single, bulk).filter(java.util.Objects::nonNull)
                .mapToDouble(sweep -> Math.max(sweep.postgresAloneHighest(), sweep.steps().stream()
                        .mapToDouble(Report.ChangeRateStep::achievedPerSecond).max().orElse(1))).max().orElse(1);
        chart.addSeries("lag bound", List.of(lowest, widest), List.of(any.lagBoundMs(), any.lagBoundMs())).setMarker(SeriesMarkers.NONE);
        chart.getStyler().setYAxisMin(1.0);
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
