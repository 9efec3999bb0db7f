package io.cachepipe.ops.rebuild;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a rebuild did.
 *
 * @param records        change records read from the topics
 * @param rowWrites      values of plain row views rendered from row images and written (accepted by the version guard)
 * @param imageFallbacks row images of plain row views that could not be rendered exactly (an unchanged TOAST value,
 *                       a value whose form does not map, a record keyed otherwise): those rows were loaded from the database
 * @param loadedWrites   values loaded from the database (batched) and written
 * @param refused        writes the version guard refused because Redis already held something newer
 * @param deletes        deleted rows whose keys were invalidated
 * @param dbQueries      database queries run (row views: none)
 * @param schemaLookups  prepared-statement describes to learn column types (no rows read)
 * @param retriedBatches batches of writes sent again because Redis did not answer in time (all were applied in the end)
 * @param modes          how each view was filled, in selection order: from row images, by batched database reads, or
 *                       skipped (and why); {@link FillMode#describe()} says it in words
 */
public record RebuildReport(long records, long rowWrites, long imageFallbacks, long loadedWrites, long refused, long deletes,
                            long dbQueries, long schemaLookups, long retriedBatches, Map<String, FillMode> modes, List<String> notes,
                            Duration took) {

    public double recordsPerSecond() {
        double seconds = Math.max(took.toNanos() / 1e9, 1e-9);
        return records / seconds;
    }
}
