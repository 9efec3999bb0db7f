package io.cachepipe.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.ops.audit.AuditReport;
import io.cachepipe.ops.audit.AuditReport.ViewFindings;
import io.cachepipe.store.redis.CacheLoss;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The audit's exit codes: OpsCommand's 0 to 3 mean what they mean for every command; its findings are 4 and up. */
class AuditCommandTest {
    @Test
    void exitCodes_sayWhatTheAuditCanVouchFor() {
        assertThat(AuditCommand.exitCode(report(null, 10, 10, 0))).as("clean").isZero();
        assertThat(AuditCommand.exitCode(report(null, 0, 0, 0))).as("nothing cached, nothing expected").isZero();
        assertThat(AuditCommand.exitCode(report(null, 7298, 0, 0))).as("nothing to check, keys expected").isEqualTo(6);
        assertThat(AuditCommand.exitCode(report(new CacheLoss.Loss(Instant.EPOCH, Map.of()), 40, 40, 0))).as("lost").isEqualTo(6);
        assertThat(AuditCommand.exitCode(report(null, 10, 10, 1))).as("incoherent").isEqualTo(4);
        assertThat(List.of(AuditCommand.INCOHERENT, AuditCommand.UNCONFIRMED, AuditCommand.EXPECTED_ENTRIES_MISSING))
                .doesNotContain(OpsCommand.DONE, OpsCommand.FAILED, OpsCommand.BAD_INPUT, OpsCommand.REFUSED);
    }

    private static AuditReport report(CacheLoss.Loss loss, long registered, long checked, long stale) {
        var findings = new ViewFindings("product", registered, checked, stale, 0, 0, 0, 0, 0, registered - checked, 0, List.of(), List.of());
        return new AuditReport(List.of(findings), Duration.ZERO, true, loss);
    }
}
