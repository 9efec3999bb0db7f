package io.cachepipe.warmer;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.WarmRequest;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** A poll's warm requests become one load per key, for the newest version asked of it. */
class WarmBatchTest {
    private static final TopicPartition WARM = new TopicPartition("cp.warm", 0);

    @Test
    void severalRequestsForAKey_becomeOne_forTheNewestVersion_whateverTheirOrder() {
        var records = poll(
                record(0, "cp:product:{1}", request(1, 30)),
                record(1, "cp:product:{2}", request(2, 10)),
                record(2, "cp:product:{1}", request(1, 50)),
                record(3, "cp:product:{1}", request(1, 40)));

        Map<String, WarmRequest> newest = WarmBatch.newestPerKey(records);

        assertThat(newest).containsOnlyKeys("cp:product:{1}", "cp:product:{2}");
        assertThat(newest.get("cp:product:{1}").version()).isEqualTo(new Version(50));
        assertThat(newest.get("cp:product:{2}").version()).isEqualTo(new Version(10));
    }

    @Test
    void recordsWithoutAKeyOrARequest_areSkipped_notLoaded() {
        var records = poll(record(0, null, request(1, 5)), record(1, "cp:product:{3}", null), record(2, "cp:product:{4}", request(4, 6)));

        assertThat(WarmBatch.newestPerKey(records)).containsOnlyKeys("cp:product:{4}");
    }

    @Test
    void keysKeepTheOrderTheyFirstArrivedIn() {
        var records = poll(record(0, "b", request(2, 1)), record(1, "a", request(1, 1)), record(2, "b", request(2, 2)));

        assertThat(WarmBatch.newestPerKey(records).keySet()).containsExactly("b", "a");
    }

    private static WarmRequest request(long id, long version) {
        return new WarmRequest("product", Map.of("id", id), new Version(version), 0);
    }

    private static ConsumerRecord<String, WarmRequest> record(long offset, @Nullable String key, @Nullable WarmRequest value) {
        return new ConsumerRecord<>(WARM.topic(), WARM.partition(), offset, key, value);
    }

    @SafeVarargs
    private static ConsumerRecords<String, WarmRequest> poll(ConsumerRecord<String, WarmRequest>... records) {
        return new ConsumerRecords<>(Map.of(WARM, List.of(records)), Map.of());
    }
}
