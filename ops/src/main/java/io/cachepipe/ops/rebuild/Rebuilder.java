package io.cachepipe.ops.rebuild;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.render.PlainRowView;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.ops.ViewSelection;
import io.cachepipe.store.kafka.SlotLossHistory;
import io.cachepipe.store.kafka.SlotLossNotice;
import io.cachepipe.store.postgres.BatchLoader;
import io.cachepipe.store.redis.CacheBatch;
import io.cachepipe.store.redis.CacheLoss;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.RebuildCheckpoint;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Fills every declared view from the compacted change topics: the latest image of every row.
 *
 * <ul>
 *   <li>A {@link PlainRowView plain row view} is rendered from the row images themselves, written
 *       with the version of the change that produced the image: no database query at all; except an
 *       image captured before the last replication slot loss ({@link SlotLossHistory}), which may be
 *       stale for good, and is loaded from the database like the other views.</li>
 *   <li>Every other view (aggregates, listings) learns its keys from the row images (the sources'
 *       bindings; parameters no source binds take their declared default, so listings get their
 *       first page) and loads them from PostgreSQL with {@link BatchLoader}, many keys per query.
 *       Those values are written just below the highest version read from the topics: every change
 *       the load did not see committed later and has a version at least that high, so it still
 *       invalidates what the rebuild wrote ({@link #belowAll}).</li>
 * </ul>
 *
 * Every write is version-guarded ({@link CacheBatch#write}), so a value the live pipeline wrote meanwhile
 * is never replaced by an older one; the rebuild can run while the pipeline runs. A poll's rows go to
 * Redis as one batch, a script call per 200 rows, while the next poll is read: at most two polls are in
 * flight, so no command waits behind thousands of others. The position is checkpointed in Redis after every batch
 * ({@link io.cachepipe.core.view.KeySpace#rebuildCheckpoint}); a rebuild that stops resumes there unless told to restart.
 *
 * <p>This class runs the steps in order; {@link FillPlan} decides each view's {@link FillMode},
 * {@link ChangeTopicPass} reads the topics and fills the plain row views, {@link DatabaseFill} loads
 * the other views, and {@link RebuildCheckpoint} keeps the position.
 */
public final class Rebuilder {
    /** What to rebuild and how. */
    public record Options(Set<String> views, int batchSize, boolean restart) {
        public Options {
            views = Set.copyOf(views);
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, was " + batchSize);
            }
        }
    }

    private final KafkaConfig kafka;
    private final ViewCatalog catalog;
    private final CacheStore store;
    private final DataSource dataSource;
    private final RebuildCheckpoint checkpoint;
    private final ParamSetJson paramSets = new ParamSetJson();
    private final RebuildCounts counts = new RebuildCounts();
    private final WriteRetries retries = new WriteRetries();
    private final DatabaseFill databaseFill;

    public Rebuilder(KafkaConfig kafka, ViewCatalog catalog, CacheStore store, DataSource dataSource) {
        this.kafka = kafka;
        this.catalog = catalog;
        this.store = store;
        this.dataSource = dataSource;
        this.checkpoint = new RebuildCheckpoint(store);
        this.databaseFill = new DatabaseFill(store, dataSource, checkpoint, paramSets, retries, counts);
    }

    public RebuildReport run(Options options, Progress progress) throws SQLException {
        long started = System.nanoTime();
        List<ViewDefinition> views = ViewSelection.select(catalog, options.views());
        List<String> names = names(views);
        if (options.restart()) {
            checkpoint.clear(names);
        }
        RebuildCheckpoint.Saved saved = checkpoint.read();
        List<String> notes = new ArrayList<>();
        if (!saved.isEmpty() && !saved.isFor(names)) {
            // A checkpoint of another selection of views skipped records these views need: start over.
            notes.add("a checkpoint of an interrupted rebuild of other views (" + saved.views() + ") was discarded");
            checkpoint.clear(names(catalog.views()));
            saved = RebuildCheckpoint.Saved.NONE;
        }
        checkpoint.recordViews(names);
        boolean everyView = views.size() == catalog.views().size();
        CacheLoss loss = new CacheLoss(store);
        long startedAt = everyView ? loss.rebuildStarting().toCompletableFuture().join() : 0;

        FillPlan plan = FillPlan.of(views, dataSource);
        Version trustedFrom = trustedFrom(notes);
        var collector = new RowImageCollector(catalog, store.keySpace(), plan, paramSets, counts, trustedFrom);
        var pass = new ChangeTopicPass(kafka, collector, () -> new PollBatch(store, checkpoint, counts), checkpoint, retries, notes);
        ChangeTopicPass.Result read = pass.run(sourceTables(views), saved, progress);

        for (ViewDefinition view : views) {
            // Rows of plain views that could not be rendered (TOAST placeholders, odd keys) wait in the same set.
            if (plan.plainRow(view.name()) != null && !checkpoint.hasParams(view.name())) {
                continue;
            }
            if (!plan.fills(view.name()) || saved.loaded(view.name())) {
                continue;
            }
            databaseFill.load(view, belowAll(read.maxVersion()), options.batchSize(), progress);
            checkpoint.recordLoaded(view.name());
        }
        checkpoint.clear(names);
        if (everyView && loss.rebuilt(startedAt).toCompletableFuture().join()) {
            notes.add("the record of Redis losing this namespace is removed: every view was rebuilt since");
        }
        return new RebuildReport(read.records(), counts.rowWrites(), counts.imageFallbacks(), counts.loadedWrites(), counts.refused(),
                counts.deletes(), databaseFill.queries(), plan.schemaLookups(), retries.count(), plan.modes(), notes,
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** Where the change topics' images can be trusted from: after the last replication slot loss on record, if any. */
    private Version trustedFrom(List<String> notes) {
        Optional<SlotLossNotice> loss = SlotLossHistory.latest(kafka, Json.mapper());
        loss.ifPresent(notice -> notes.add("replication slot " + notice.slot() + " lost changes (found " + notice.at() + ", capture"
                + " resumed at " + notice.resumedAt() + "): row images captured before that were loaded from PostgreSQL instead,"
                + " since a row changed or deleted while changes were lost keeps an old image in the change topics"));
        return loss.map(notice -> Version.ofPgLsn(notice.resumedAt())).orElse(Version.ZERO);
    }

    /**
     * The version database-loaded values are written with: one below the highest version read. Every
     * change the load did not see committed after every change read, so its version is at least the
     * highest read (equal only at the edge where the first change streamed after a snapshot carries the
     * snapshot's position); one below keeps its invalidation effective even there.
     */
    static Version belowAll(Version highestRead) {
        return highestRead.lsn() > 0 ? new Version(highestRead.lsn() - 1) : Version.ZERO;
    }

    private static Set<TableName> sourceTables(List<ViewDefinition> views) {
        Set<TableName> tables = new LinkedHashSet<>();
        views.forEach(view -> view.sources().forEach(source -> tables.add(source.table())));
        return tables;
    }

    private static List<String> names(List<ViewDefinition> views) {
        return views.stream().map(ViewDefinition::name).toList();
    }
}
