package io.cachepipe.ops.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import io.cachepipe.ops.audit.AuditReport.Verdict;
import io.cachepipe.ops.audit.AuditReport.ViewFindings;
import io.cachepipe.store.redis.CacheLoss;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditReportTest {
    private static final CacheLoss.Loss LOSS = new CacheLoss.Loss(Instant.parse("2026-12-05T10:00:00Z"), Map.of("product", 7298L));

    @Test
    void registeredEntriesNoneCompared_isNothingToCheck_neverClean_andKeysWereExpected() {
        AuditReport report = report(null, findings(7298, 0, 0, 0, 7298));

        assertThat(report.verdict()).isEqualTo(Verdict.NOTHING_TO_CHECK);
        assertThat(report.expectedKeys()).isTrue();
        assertThat(report.summary()).startsWith("NOTHING TO CHECK: no registered entry held a value to compare; of 7298 registered "
                + "entries, not compared: 0 pending (no current value yet), 0 expired, 7298 gone (");
        assertThat(report.render()).doesNotContain("CLEAN").contains("GONE     cp:product:1 (registered, but Redis holds nothing");
    }

    @Test
    void anEmptyCacheThatNeverHeldAnything_isNothingToCheck_withoutExpectingKeys() {
        AuditReport report = report(null, findings(0, 0, 0, 0, 0));

        assertThat(report.verdict()).isEqualTo(Verdict.NOTHING_TO_CHECK);
        assertThat(report.expectedKeys()).isFalse();
        assertThat(report.summary()).isEqualTo("NOTHING TO CHECK: no view's registry names an entry: the cache holds nothing yet "
                + "(reads fill it; `cachepipe rebuild` fills every view)");
    }

    @Test
    void aRecordedLoss_isLost_evenWhenTheFewValuesCachedSinceAreCoherent() {
        AuditReport report = report(LOSS, findings(40, 40, 0, 0, 0));

        assertThat(report.verdict()).isEqualTo(Verdict.LOST);
        assertThat(report.expectedKeys()).isTrue();
        assertThat(report.summary()).startsWith("LOST: Redis lost this namespace's entries at 2026-12-05T10:00:00Z (its registries "
                + "named 7298 then: product 7298) and no rebuild of every view ran since; `cachepipe rebuild` refills them; "
                + "meanwhile compared 40 cached values with the database, all equal; of 40 registered entries");
    }

    @Test
    void aKeyRedisDidNotAnswerFor_isUnread_andTheAuditCannotCallTheCacheClean() {
        var unread = new ViewFindings("product", 3, 2, 0, 0, 0, 0, 0, 0, 0, 0, List.of(), List.of(), 1, List.of("cp:product:6"));
        AuditReport report = new AuditReport(List.of(unread), Duration.ofMillis(40), true, null);

        assertThat(report.verdict()).isEqualTo(Verdict.UNCONFIRMED);
        assertThat(report.summary()).startsWith("UNCONFIRMED: compared 2 cached values with the database; of 3 registered entries")
                .contains("; 1 unread: Redis did not answer for them within redis.timeout").contains("CACHEPIPE_REDIS_TIMEOUT=10s");
        assertThat(report.render()).contains("UNREAD   cp:product:6 (Redis did not answer within redis.timeout)");
    }

    @Test
    void cleanStatesWhatWasCompared_andIncoherenceOutranksEverything() {
        AuditReport clean = report(null, findings(352, 350, 2, 0, 0));
        assertThat(clean.verdict()).isEqualTo(Verdict.CLEAN);
        assertThat(clean.summary()).isEqualTo("CLEAN: compared 350 cached values with the database, all equal; of 352 registered "
                + "entries, not compared: 2 pending (no current value yet), 0 expired, 0 gone");

        var stale = new AuditReport.Finding(AuditReport.Kind.STALE, "cp:product:9", new Version(0x10));
        var incoherent = new ViewFindings("product", 10, 10, 1, 0, 0, 0, 0, 0, 0, 0, List.of(stale), List.of());
        assertThat(report(LOSS, incoherent).verdict()).isEqualTo(Verdict.INCOHERENT);
        var unconfirmed = new ViewFindings("product", 10, 10, 0, 0, 0, 1, 0, 0, 0, 0, List.of(), List.of());
        assertThat(report(LOSS, unconfirmed).verdict()).isEqualTo(Verdict.UNCONFIRMED);
    }

    private static ViewFindings findings(long registered, long checked, long pending, long expired, long gone) {
        return new ViewFindings("product", registered, checked, 0, 0, 0, 0, pending, expired, gone, 0, List.of(),
                gone > 0 ? List.of("cp:product:1") : List.of());
    }

    private static AuditReport report(CacheLoss.Loss loss, ViewFindings findings) {
        return new AuditReport(List.of(findings), Duration.ofMillis(100), true, loss);
    }
}
