package io.cachepipe.ops.audit;

import io.cachepipe.core.config.Parsers;
import io.cachepipe.core.config.Setting;
import io.cachepipe.core.config.Settings;
import java.time.Duration;
import java.util.List;

/**
 * The background audit, run by the warmer process.
 *
 * @param interval   time between two audits; zero turns the background audit off
 * @param sampleRate share of each view's cached keys checked per audit
 * @param settle     how long a mismatch may wait for the pipeline to catch up before it counts
 */
public record AuditConfig(Duration interval, double sampleRate, Duration settle) {
    public static final Setting<Duration> INTERVAL = Setting.optional("audit.interval", "60s",
            Parsers.duration(Duration.ZERO, Duration.ofDays(1)), "time between background audits (0 turns them off)");
    public static final Setting<Double> SAMPLE_RATE = Setting.optional("audit.sample-rate", "0.01", Parsers.fraction(),
            "share of each view's cached keys a background audit checks");
    public static final Setting<Duration> SETTLE = Setting.optional("audit.settle", "10s",
            Parsers.duration(Duration.ZERO, Duration.ofMinutes(10)),
            "how long a mismatch waits for the pipeline to catch up before it counts as incoherent");

    public static AuditConfig read(Settings settings) {
        Settings.Values values = settings.require(INTERVAL, SAMPLE_RATE, SETTLE);
        return new AuditConfig(values.get(INTERVAL), values.get(SAMPLE_RATE), values.get(SETTLE));
    }

    public static List<Setting<?>> settings() {
        return List.of(INTERVAL, SAMPLE_RATE, SETTLE);
    }

    public boolean enabled() {
        return !interval.isZero();
    }
}
