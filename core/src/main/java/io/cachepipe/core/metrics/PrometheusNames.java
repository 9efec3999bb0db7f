package io.cachepipe.core.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Makes every meter, the libraries' included (Kafka clients, Lettuce, HikariCP, the JVM), one that
 * {@code promtool check metrics} accepts: a description on each ({@link MetricNames} for cachepipe's own,
 * the name in words where a library gave none), units spelled out ({@code kb} becomes {@code kilobytes}),
 * library meters in units below a second left out (see {@link #accept}), and no gauge named like a
 * histogram's count ({@code connection.count} becomes {@code connections}).
 */
final class PrometheusNames implements MeterFilter {
    private static final Map<String, String> UNITS = Map.of("ns", "nanoseconds", "us", "microseconds", "ms", "milliseconds",
            "sec", "seconds", "kb", "kilobytes", "mb", "megabytes", "gb", "gigabytes");

    private static final Set<String> SUBSECOND = Set.of("nanoseconds", "microseconds", "milliseconds");

    /**
     * A library's meter measured in a unit below seconds is left out: Prometheus wants seconds, and a
     * filter cannot rescale a library's values (Kafka's {@code io.time.ns.total}, the JVM's
     * {@code process.cpu.time} in ns: {@code process.cpu.usage} stays). Applied to the names {@link #map} made.
     */
    @Override
    public MeterFilterReply accept(Meter.Id id) {
        if (id.getName().startsWith("cachepipe.")) {
            return MeterFilterReply.NEUTRAL;
        }
        boolean subsecond = (id.getBaseUnit() != null && SUBSECOND.contains(id.getBaseUnit()))
                || Arrays.stream(id.getName().split("\\.")).anyMatch(SUBSECOND::contains);
        return subsecond ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        String name = name(id);
        String description = description(id);
        String unit = id.getBaseUnit() == null ? null : UNITS.getOrDefault(id.getBaseUnit(), id.getBaseUnit());
        if (name.equals(id.getName()) && description.equals(id.getDescription()) && Objects.equals(unit, id.getBaseUnit())) {
            return id;
        }
        return new Meter.Id(name, Tags.of(id.getTagsAsIterable()), unit, description, id.getType());
    }

    static String name(Meter.Id id) {
        List<String> parts = new ArrayList<>(Arrays.asList(id.getName().split("\\.")));
        parts.replaceAll(part -> UNITS.getOrDefault(part, part));
        int last = parts.size() - 1;
        boolean counted = id.getType() == Meter.Type.COUNTER || id.getType() == Meter.Type.TIMER
                || id.getType() == Meter.Type.DISTRIBUTION_SUMMARY || id.getType() == Meter.Type.LONG_TASK_TIMER;
        if (!counted && last > 0 && parts.get(last).equals("count")) {
            parts.remove(last);
            parts.set(last - 1, parts.get(last - 1) + "s");
        }
        return String.join(".", parts);
    }

    private static String description(Meter.Id id) {
        String given = id.getDescription();
        if (given != null && !given.isBlank()) {
            return given;
        }
        String declared = MetricNames.description(id.getName());
        if (declared != null) {
            return declared;
        }
        String words = id.getName().replace('.', ' ');
        return id.getName().startsWith("kafka.") ? "Kafka client: " + words.substring("kafka ".length()) : words;
    }
}
