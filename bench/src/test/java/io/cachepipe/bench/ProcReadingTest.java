package io.cachepipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the benchmarks read from /proc and from a part's metrics. */
class ProcReadingTest {
    /** A JVM's /proc/<pid>/stat: the command name holds a space and a parenthesis, as thread-named ones do. */
    private static final String STAT = "4242 (java (main) x) S 4100 4242 4100 0 -1 4194560 90123 1200 0 0 "
            + "1500 300 70 11 20 0 41 0 123456 4000000000 60000 18446744073709551615 1 1 0 0 0 0 0 2 16800 0 0 0 17 1 0 0 0 0 0";

    @Test
    void aProcessTicks_areItsUserAndSystemTime() {
        assertThat(CpuUse.processTicks(STAT)).isEqualTo(1500 + 300);
    }

    @Test
    void reapedChildTicks_areTheChildrensUserAndSystemTime() {
        assertThat(CpuUse.reapedChildTicks(STAT)).isEqualTo(70 + 11);
    }

    @Test
    void theParentPid_followsTheState() {
        assertThat(CpuUse.parentPid(STAT)).isEqualTo(4100);
    }

    @Test
    void theMachine_isBusyUnlessIdleOrWaitingForIo() {
        String procStat = "cpu  100 5 50 800 40 1 4 0 30 0\ncpu0 50 2 25 400 20 0 2 0 15 0\n";
        long[] ticks = CpuUse.machineTicks(procStat);
        assertThat(ticks[0]).isEqualTo(100 + 5 + 50 + 800 + 40 + 1 + 4 + 0); // guest is already in user
        assertThat(ticks[1]).isEqualTo(100 + 5 + 50 + 1 + 4);
    }

    @Test
    void aCounter_sumsEverySeriesOfItsNameOnly() {
        String metrics = """
                # HELP cachepipe_invalidator_changes_total Change events the invalidator processed
                # TYPE cachepipe_invalidator_changes_total counter
                cachepipe_invalidator_changes_total{op="u",table="public.products"} 49000.0
                cachepipe_invalidator_changes_total{op="c",table="public.reviews"} 1000.0
                cachepipe_invalidator_changes_total_created 1.7E9
                cachepipe_invalidator_changes 7.0
                """;
        assertThat(PartProbe.sum(metrics, PartProbe.INVALIDATOR_CHANGES)).isEqualTo(50_000.0);
        assertThat(PartProbe.sum(metrics, PartProbe.WARMER_LOADS)).isZero();
    }

    @Test
    void compilerThreads_areKnownByTheNamesHotSpotGivesThem() {
        assertThat(PartProbe.isCompilerThread("4250 (C2 CompilerThre) S 4100 4242 4100 0 -1 1 0 0 0 0 900 40 0 0 20 0 41 0")).isTrue();
        assertThat(PartProbe.isCompilerThread("4251 (C1 CompilerThre) S 4100 4242 4100 0 -1 1 0 0 0 0 90 4 0 0 20 0 41 0")).isTrue();
        assertThat(PartProbe.isCompilerThread("4252 (kafka-producer-) S 4100 4242 4100 0 -1 1 0 0 0 0 90 4 0 0 20 0 41 0")).isFalse();
        assertThat(PartProbe.isCompilerThread(STAT)).isFalse();
    }

    @Test
    void thisJvm_hasCompilerThreadsWithCpu() {
        assertThat(PartProbe.jitSeconds(ProcessHandle.current().pid())).isPositive();
    }
}
