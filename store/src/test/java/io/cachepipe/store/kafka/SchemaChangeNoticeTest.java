package io.cachepipe.store.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SchemaChangeNoticeTest {
    private static byte[] messageEvent(String prefix, String content, long lsn) {
        String encoded = Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8));
        return ("{\"op\":\"m\",\"source\":{\"lsn\":" + lsn + "},\"message\":{\"prefix\":\"" + prefix + "\",\"content\":\"" + encoded + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theEventTriggersMessage_namesTheTableAndItsPosition_andSurvivesTheWatermarkTopic() {
        var notice = SchemaChangeNotice.ofMessage(Json.mapper(),
                messageEvent("cachepipe.schema", "{\"schema\" : \"public\", \"table\" : \"Order Lines\"}", 0x1234));
        assertThat(notice).isEqualTo(new SchemaChangeNotice(new TableName("public", "Order Lines"), new Version(0x1234)));
        assertThat(SchemaChangeNotice.decode(Json.mapper(), notice.encode(Json.mapper()))).isEqualTo(notice);

        var everyTable = SchemaChangeNotice.ofMessage(Json.mapper(), messageEvent("cachepipe.schema", "{\"all\": true}", 0x99));
        assertThat(everyTable).isEqualTo(new SchemaChangeNotice(null, new Version(0x99)));
        assertThat(SchemaChangeNotice.decode(Json.mapper(), everyTable.encode(Json.mapper()))).isEqualTo(everyTable);
    }

    @Test
    void otherMessages_areNoNotice_andABrokenNoticeSaysWhy() {
        assertThat(SchemaChangeNotice.ofMessage(Json.mapper(), messageEvent("cachepipe.watermark", "", 0x10))).isNull();
        assertThat(SchemaChangeNotice.ofMessage(Json.mapper(), messageEvent("cachepipe.schema", "{\"table\": 1}", 0x10))).isNull();
        assertThat(SchemaChangeNotice.ofMessage(Json.mapper(), null)).isNull();
        assertThatThrownBy(() -> SchemaChangeNotice.decode(Json.mapper(), "{\"version\":\"0000000000000010\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"schema\" and \"table\"");
    }
}
