package io.cachepipe.warmer;

import io.cachepipe.core.view.WarmRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * One poll's warm requests, one per cache key: of several requests for a key only the newest
 * needs a load, since a load reads the database as it is now and is written with that version.
 */
final class WarmBatch {
    private WarmBatch() {
    }

    static Map<String, WarmRequest> newestPerKey(ConsumerRecords<String, WarmRequest> records) {
        Map<String, WarmRequest> newest = new LinkedHashMap<>();
        for (ConsumerRecord<String, WarmRequest> record : records) {
            if (record.key() != null && record.value() != null) {
                newest.merge(record.key(), record.value(), WarmRequest::newer);
            }
        }
        return newest;
    }
}
