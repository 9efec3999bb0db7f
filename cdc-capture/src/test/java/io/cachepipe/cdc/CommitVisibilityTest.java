package io.cachepipe.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The transaction id is read from the envelope's source block, never from a row image that looks like one. */
class CommitVisibilityTest {

    @Test
    void transactionId_isTheSourceBlocks() {
        String update = "{\"before\":{\"id\":1,\"note\":\"\\\"source\\\":{\\\"txId\\\":7\"},\"after\":{\"id\":1,\"txId\":9},"
                + "\"source\":{\"version\":\"3.3.1.Final\",\"connector\":\"postgresql\",\"db\":\"d\",\"sequence\":\"[\\\"1\\\",\\\"2\\\"]\","
                + "\"snapshot\":\"false\",\"schema\":\"public\",\"table\":\"t\",\"txId\":4294967295,\"lsn\":123,\"xmin\":null},\"op\":\"u\",\"ts_ms\":1}";
        assertThat(CommitVisibility.transactionId(bytes(update))).isEqualTo(4294967295L);
    }

    @Test
    void recordsWithoutATransaction_haveNoId() {
        assertThat(CommitVisibility.transactionId(null)).isNull();
        assertThat(CommitVisibility.transactionId(bytes("{}"))).isNull();
        assertThat(CommitVisibility.transactionId(bytes("{\"op\":\"m\",\"source\":{\"snapshot\":\"false\",\"txId\":null,\"lsn\":5}}"))).isNull();
    }

    @Test
    void snapshotReads_areNotWaitedFor_theirTransactionIsDebeziumsOpenSnapshot() {
        for (String snapshot : new String[] {"true", "first", "last", "incremental"}) {
            assertThat(CommitVisibility.transactionId(bytes("{\"after\":{\"id\":1},\"source\":{\"snapshot\":\"" + snapshot
                    + "\",\"txId\":748,\"lsn\":5},\"op\":\"r\"}"))).as(snapshot).isNull();
        }
        assertThat(CommitVisibility.transactionId(bytes("{\"after\":{\"id\":1},\"source\":{\"snapshot\":\"false\",\"txId\":748},\"op\":\"c\"}")))
                .isEqualTo(748L);
        assertThat(CommitVisibility.transactionId(bytes("{\"after\":{\"id\":1},\"source\":{\"snapshot\":null,\"txId\":749},\"op\":\"c\"}")))
                .as("streamed, the converter filling in no default").isEqualTo(749L);
    }

    @Test
    void aCommittingTransaction_atOrAboveXmax_isNotVisible() {
        // Observed while a commit waited for a synchronous standby: its xid 4286 in no list, xmax = 4286.
        var snapshot = CommitVisibility.Snapshot.parse("4286:4286:");
        assertThat(snapshot.sees(4286)).isFalse();
        assertThat(snapshot.sees(4285)).isTrue();
    }

    @Test
    void inProgressTransactions_areNotVisible_finishedOnesAre() {
        var snapshot = CommitVisibility.Snapshot.parse("100:110:100,104");
        assertThat(snapshot.sees(100)).isFalse();
        assertThat(snapshot.sees(104)).isFalse();
        assertThat(snapshot.sees(99)).isTrue();
        assertThat(snapshot.sees(105)).isTrue();
        assertThat(snapshot.sees(110)).isFalse();
    }

    @Test
    void thirtyTwoBitIds_areTakenInTheEpochNearestXmax() {
        long epoch3 = 3L << 32;
        var afterWrap = CommitVisibility.Snapshot.parse(epoch3 + 5 + ":" + (epoch3 + 10) + ":" + (epoch3 + 5));
        assertThat(afterWrap.nearestFullId(0xFFFF_FFF0L)).isEqualTo(epoch3 - 16);
        assertThat(afterWrap.sees(0xFFFF_FFF0L)).as("committed in the previous epoch").isTrue();
        assertThat(afterWrap.sees(5)).isFalse();
        var beforeWrap = CommitVisibility.Snapshot.parse((epoch3 - 20) + ":" + (epoch3 - 2) + ":");
        assertThat(beforeWrap.nearestFullId(1)).as("assigned just past the wrap, above xmax").isEqualTo(epoch3 + 1);
        assertThat(beforeWrap.sees(1)).isFalse();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
