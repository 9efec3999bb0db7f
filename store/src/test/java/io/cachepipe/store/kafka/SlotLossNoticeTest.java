package io.cachepipe.store.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SlotLossNoticeTest {
    @Test
    void aNotice_survivesTheWatermarkTopic_andIsToldFromAWatermarkByItsKey() {
        var notice = new SlotLossNotice("cachepipe", "slot gone", "0/16B3748", "0/3000060", Instant.ofEpochMilli(1_733_000_000_000L));
        assertThat(SlotLossNotice.decode(Json.mapper(), notice.encode(Json.mapper()))).isEqualTo(notice);
        assertThat(SlotLossNotice.isNotice(SlotLossNotice.KEY)).isTrue();
        assertThat(SlotLossNotice.isNotice("watermark".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(SlotLossNotice.isNotice(null)).isFalse();
    }

    @Test
    void somethingElse_isRefusedSayingWhy() {
        assertThatThrownBy(() -> SlotLossNotice.decode(Json.mapper(), "{\"watermark\":\"00\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slotLost");
    }
}
