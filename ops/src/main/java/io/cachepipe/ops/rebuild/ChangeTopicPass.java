package io.cachepipe.ops.rebuild;

import io.cachepipe.core.change.ChangeEnvelopes;
import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.MalformedChangeException;
import io.cachepipe.core.change.TableName;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.json.Json;
import io.cachepipe.store.redis.RebuildCheckpoint;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * One pass over the change topics ({@link ChangeTopicScan}): every poll's records are parsed, turned
 * into writes and parameter sets ({@link RowImageCollector}) and sent to Redis as one {@link PollBatch}
 * while the next poll is read, so at most two polls are in flight. A poll's position is checkpointed
 * only once its own writes are acknowledged.
 */
final class ChangeTopicPass {
    private static final String PHASE = "change topics";

    /** What the pass read: how many records, and the highest version among them (or the checkpoint's). */
    record Result(long records, Version maxVersion) {
    }

    private final KafkaConfig kafka;
    private final RowImageCollector collector;
    private final Supplier<PollBatch> batches;
    private final RebuildCheckpoint checkpoint;
    private final WriteRetries retries;
    private final List<String> notes;
    private final ChangeEnvelopes envelopes = new ChangeEnvelopes(Json.mapper());

    ChangeTopicPass(KafkaConfig kafka, RowImageCollector collector, Supplier<PollBatch> batches, RebuildCheckpoint checkpoint,
                    WriteRetries retries, List<String> notes) {
        this.kafka = kafka;
        this.collector = collector;
        this.batches = batches;
        this.checkpoint = checkpoint;
        this.retries = retries;
        this.notes = notes;
    }

    /** Reads the tables' change topics from the saved position to their current ends. */
    Result run(Set<TableName> tables, RebuildCheckpoint.Saved saved, Progress progress) {
        Version maxVersion = saved.maxVersion();
        long records = 0;
        try (ChangeTopicScan scan = ChangeTopicScan.open(kafka, tables, saved, notes)) {
            long total = scan.total();
            progress.update(PHASE, 0, total);
            // One batch's writes are in flight while the next is read and rendered; a batch's position is
            // checkpointed only once its own writes are acknowledged. Two batches racing on one key is
            // harmless: the version guard keeps the newer value whichever lands last.
            CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);
            PollBatch previousBatch = null;
            List<RebuildCheckpoint.Offset> previousPositions = null;
            Version previousMaxVersion = maxVersion;
            long previousRecords = 0;
            while (!scan.done()) {
                PollBatch batch = batches.get();
                ChangeTopicScan.Poll poll = scan.poll();
                for (ConsumerRecord<byte[], byte[]> record : poll.latest()) {
                    ChangeEvent event = parse(record);
                    if (event == null) {
                        continue;
                    }
                    maxVersion = maxVersion.max(event.version());
                    collector.collect(event, batch);
                }
                records += poll.read();
                CompletableFuture<Void> current = batch.apply();
                List<RebuildCheckpoint.Offset> positions = scan.positions();
                awaitApplied(previous, previousBatch);
                if (previousPositions != null) {
                    checkpoint.recordPosition(previousPositions, previousMaxVersion);
                    progress.update(PHASE, previousRecords, total);
                }
                previous = current;
                previousBatch = batch;
                previousPositions = positions;
                previousMaxVersion = maxVersion;
                previousRecords = records;
            }
            awaitApplied(previous, previousBatch);
            if (previousPositions != null) {
                checkpoint.recordPosition(previousPositions, previousMaxVersion);
                progress.update(PHASE, previousRecords, total);
            }
        }
        return new Result(records, maxVersion);
    }

    /** The change a record carries; null for a record without one, or a malformed one (noted). */
    private @Nullable ChangeEvent parse(ConsumerRecord<byte[], byte[]> record) {
        try {
            return envelopes.parse(record.key(), record.value());
        } catch (MalformedChangeException e) {
            notes.add("skipped malformed record " + record.topic() + "/" + record.partition() + "@" + record.offset()
                    + ": " + e.getMessage());
            return null;
        }
    }

    private void awaitApplied(CompletableFuture<Void> inFlight, @Nullable PollBatch batch) {
        if (batch != null) {
            retries.await(inFlight, batch::apply);
        }
    }
}
