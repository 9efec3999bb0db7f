package io.cachepipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.devstack.DevStack;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import org.junit.jupiter.api.Test;

/**
 * The pattern-invalidation benchmark on a real Redis, scaled down: both methods remove exactly one
 * group's keys every time (the benchmark checks each sample), and the report carries both series.
 * At full size ({@code bin/bench pattern}) it runs on 1,000,000 keys.
 */
@WithDevStack
class PatternInvalidationBenchmarkIT {

    @Test
    void bothMethodsRemoveExactlyOneGroup_andTheReportComparesThem(DevStack stack, TestNamespace namespace) {
        PatternReport report = new PatternInvalidationBenchmark(new PatternInvalidationBenchmark.Options(20_000, 100, 20, 1000), System.out)
                .run(stack.redis().uri(), namespace.keyPrefix());
        assertThat(report.keys()).isEqualTo(20_000);
        assertThat(report.group().count()).isEqualTo(20);
        assertThat(report.scan().count()).isEqualTo(20);
        assertThat(report.group().p50()).isPositive();
        assertThat(report.scanToGroupP50()).isPositive();
    }
}
