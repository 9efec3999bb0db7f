package io.cachepipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuPerChangeTest {
    @Test
    void threadsGoToThePartTheyWorkFor_byTheNamesTheyHaveInTheLoadBench() {
        assertThat(CpuPerChange.partOf("debezium-postgresconnector-t1uiu7-change-event-source-coordinator")).isEqualTo(CpuPerChange.CDC);
        assertThat(CpuPerChange.partOf("pool-14-thread-1")).isEqualTo(CpuPerChange.CDC);
        assertThat(CpuPerChange.partOf("Thread-9")).isEqualTo(CpuPerChange.CDC);
        assertThat(CpuPerChange.partOf("kafka-producer-network-thread | t1uiu7-cdc")).isEqualTo(CpuPerChange.CDC);
        assertThat(CpuPerChange.partOf("KafkaBasedLog Work Thread - t1uiu7.cdc-offsets")).isEqualTo(CpuPerChange.CDC);
        assertThat(CpuPerChange.partOf("t1uiu7-invalidator-0996f333-eed5-4266-9116-3e4bd7fe7bc0-StreamThread-1"))
                .isEqualTo(CpuPerChange.INVALIDATOR);
        assertThat(CpuPerChange.partOf("kafka-producer-network-thread | t1uiu7-invalidator-effects")).isEqualTo(CpuPerChange.INVALIDATOR);
        assertThat(CpuPerChange.partOf("cachepipe-warm-requests")).isEqualTo(CpuPerChange.INVALIDATOR);
        assertThat(CpuPerChange.partOf("cachepipe-warmer-load")).isEqualTo(CpuPerChange.WARMER);
        assertThat(CpuPerChange.partOf("kafka-coordinator-heartbeat-thread | t1uiu7-warmer")).isEqualTo(CpuPerChange.WARMER);
        assertThat(CpuPerChange.partOf("lettuce-nioEventLoop-4-1")).isEqualTo(CpuPerChange.LETTUCE);
        assertThat(CpuPerChange.partOf("writer-3")).isEqualTo(CpuPerChange.WRITERS);
        assertThat(CpuPerChange.partOf("data-plane-kafka-request-handler-1")).isEqualTo(CpuPerChange.BROKER);
        assertThat(CpuPerChange.partOf("kafka-1-raft-io-thread")).isEqualTo(CpuPerChange.BROKER);
        assertThat(CpuPerChange.partOf("group-coordinator-event-processor-0")).isEqualTo(CpuPerChange.BROKER);
    }

    @Test
    void threadsNoPartClaims_countInTheRestOfTheJvm() {
        assertThat(CpuPerChange.partOf("kafka-admin-client-thread | t1uiu7-admin")).isNull();
        assertThat(CpuPerChange.partOf("JettyServerThreadPool-Virtual-0")).isNull();
        assertThat(CpuPerChange.partOf("cachepipe-audit")).isNull();
        assertThat(CpuPerChange.partOf("main")).isNull();
    }
}
