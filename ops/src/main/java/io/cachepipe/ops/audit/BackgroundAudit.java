package io.cachepipe.ops.audit;

import io.cachepipe.core.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audits a sample of the cache at a fixed interval and publishes what it finds as metrics:
 * {@code cachepipe_audit_checks_total{view}} and {@code cachepipe_audit_incoherent_total{view,kind}}.
 * Any incoherent entry is also logged with its key; it should never happen, so it is an alarm.
 */
public final class BackgroundAudit implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackgroundAudit.class);

    private final CacheAudit audit;
    private final AuditConfig config;
    private final MeterRegistry metrics;
    private @Nullable ScheduledExecutorService schedule;

    public BackgroundAudit(CacheAudit audit, AuditConfig config, MeterRegistry metrics) {
        this.audit = audit;
        this.config = config;
        this.metrics = metrics;
    }

    public void start() {
        if (!config.enabled()) {
            log.info("Background audit off (audit.interval = 0)");
            return;
        }
        schedule = Executors.newSingleThreadScheduledExecutor(runnable -> Thread.ofPlatform().daemon()
                .name("cachepipe-audit").unstarted(runnable));
        long every = config.interval().toMillis();
        schedule.scheduleWithFixedDelay(this::runOnce, every, every, TimeUnit.MILLISECONDS);
    }

    void runOnce() {
        try {
            AuditReport report = audit.run(new CacheAudit.Options(List.of(), config.sampleRate(), config.settle(), 5));
            for (AuditReport.ViewFindings view : report.views()) {
                counter(MetricNames.AUDIT_CHECKS, view.view(), null).increment(view.checked());
                count(view.view(), AuditReport.Kind.STALE, view.stale());
                count(view.view(), AuditReport.Kind.MISSING, view.missing());
                count(view.view(), AuditReport.Kind.EXTRA, view.extra());
            }
            if (!report.coherent()) {
                log.error("Audit found incoherent cache entries:\n{}", report.render());
            } else if (report.unconfirmed() > 0) {
                log.warn("Audit could not confirm {} mismatches: the pipeline is behind", report.unconfirmed());
            } else {
                log.debug("Audit clean: {} entries checked in {} ms", report.checked(), report.took().toMillis());
            }
        } catch (RuntimeException e) {
            log.warn("Background audit failed, will try again in {}: {}", config.interval(), e.getMessage());
        }
    }

    private void count(String view, AuditReport.Kind kind, long found) {
        counter(MetricNames.AUDIT_INCOHERENT, view, kind).increment(found);
    }

    private Counter counter(String name, String view, AuditReport.@Nullable Kind kind) {
        var builder = Counter.builder(name).tag("view", view);
        if (kind != null) {
            builder.tag("kind", kind.name().toLowerCase(Locale.ROOT));
        }
        return builder.register(metrics);
    }

    @Override
    public void close() {
        if (schedule != null) {
            schedule.shutdownNow();
        }
    }
}
