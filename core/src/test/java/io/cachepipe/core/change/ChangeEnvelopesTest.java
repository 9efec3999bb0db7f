package io.cachepipe.core.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.core.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChangeEnvelopesTest {
    private final ChangeEnvelopes envelopes = new ChangeEnvelopes(Json.mapper());

    static byte[] envelope(String op, String before, String after, String sequence, long lsn) {
        return ("""
                {"before":%s,"after":%s,"source":{"connector":"postgresql","ts_ms":1700000000123,"schema":"public",
                 "table":"products","txId":7,"lsn":%d,"sequence":%s},"op":"%s","ts_ms":1700000000200}
                """.formatted(before, after, lsn, sequence, op)).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void versionIsTheEndOfThePreviousCommit_notTheChangesOwnLsn() throws Exception {
        ChangeEvent event = envelopes.parse("{\"id\":1}".getBytes(StandardCharsets.UTF_8),
                envelope("u", "{\"id\":1}", "{\"id\":1}", "\"[\\\"5000\\\",\\\"4000\\\"]\"", 4000));
        assertThat(event.version()).isEqualTo(new Version(5000));
        assertThat(event.lsn()).isEqualTo(4000);
        assertThat(event.table()).isEqualTo(new TableName("public", "products"));
        assertThat(event.op()).isEqualTo(ChangeOp.UPDATE);
        assertThat(event.commitTimeMs()).isEqualTo(1700000000123L);
        assertThat(event.key().get("id").asInt()).isEqualTo(1);
    }

    @Test
    void beforeAnyCommitTheVersionFallsBackToTheChangesLsn() throws Exception {
        ChangeEvent event = envelopes.parse(null, envelope("c", "null", "{\"id\":1}", "\"[null,\\\"4000\\\"]\"", 4000));
        assertThat(event.version()).isEqualTo(new Version(4000));
        assertThat(event.before()).isNull();
    }

    /** What Debezium 3.6 sends for a row an incremental snapshot re-read (cachepipe resnapshot): no source.lsn. */
    @Test
    void anIncrementalSnapshotRead_takesItsPositionFromTheSequence_andIsVersionedJustBelowIt() throws Exception {
        byte[] read = """
                {"before":null,"after":{"id":1},"source":{"connector":"postgresql","ts_ms":1700000000123,"snapshot":"incremental",
                 "schema":"public","table":"products","txId":null,"lsn":null,"sequence":"[\\"35279560\\",\\"35279560\\"]"},
                 "op":"r","ts_ms":1700000000200}""".getBytes(StandardCharsets.UTF_8);

        ChangeEvent event = envelopes.parse("{\"id\":1}".getBytes(StandardCharsets.UTF_8), read);

        assertThat(event.op()).isEqualTo(ChangeOp.SNAPSHOT_READ);
        assertThat(event.lsn()).isEqualTo(35279560L);
        assertThat(event.version()).as("a change streamed right after, at the same position, still invalidates it")
                .isEqualTo(new Version(35279559L));
    }

    @Test
    void aFloatInARowImageIsReadAsADouble_soNegativeZeroKeepsItsSign() throws Exception {
        ChangeEvent event = envelopes.parse(null, envelope("c", "null", "{\"id\":1,\"f\":-0.0,\"g\":1.0E300,\"n\":\"0.10\"}",
                "\"[null,\\\"4000\\\"]\"", 4000));
        assertThat(event.after().get("f").isDouble()).isTrue();
        assertThat(Double.doubleToRawLongBits(event.after().get("f").doubleValue())).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(event.after().get("g").doubleValue()).isEqualTo(1.0E300);
        assertThat(event.after().get("n").textValue()).as("decimals come as text").isEqualTo("0.10");
    }

    @Test
    void aTombstoneIsNotAChange() throws Exception {
        assertThat(envelopes.parse("{\"id\":1}".getBytes(StandardCharsets.UTF_8), null)).isNull();
    }

    @Test
    void malformedRecordsSayWhy() {
        assertThatThrownBy(() -> envelopes.parse(null, "not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedChangeException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> envelopes.parse(null, "{\"op\":\"u\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("no 'source' block");
        assertThatThrownBy(() -> envelopes.parse(null, envelope("x", "null", "null", "null", 1)))
                .hasMessageContaining("unknown operation 'x'");
        assertThatThrownBy(() -> envelopes.parse(null, envelope("r", "null", "{\"id\":1}", "null", 0)))
                .hasMessageContaining("source.lsn is missing");
    }

    @Test
    void versionsCompareAsFixedWidthHex() {
        assertThat(new Version(0x16B374D848L).hex()).isEqualTo("00000016b374d848");
        assertThat(Version.parse("00000016b374d848")).isEqualTo(new Version(0x16B374D848L));
        assertThat(Version.ofPgLsn("16/B374D848")).isEqualTo(new Version(0x16B374D848L));
        assertThat(new Version(0x16B374D848L).pgLsn()).isEqualTo("16/B374D848");
        assertThat(new Version(255).hex().compareTo(new Version(256).hex())).isNegative();
    }
}
