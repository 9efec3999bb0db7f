package io.cachepipe.ops.rebuild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.render.PlainRowView;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ParamSpec;
import io.cachepipe.core.view.SourceMapping;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What one change's row image means for every view it reaches: for a plain row view the key's value
 * rendered from the image (or its invalidation, for a delete), else the key's parameter set, to load
 * from the database once the topics are read. Parameters no source binds take their default, so a
 * listing gets its first page.
 *
 * <p>An image older than the last replication slot loss ({@code trustedFrom}, from
 * {@link io.cachepipe.store.kafka.SlotLossHistory}) is not written: its row may have changed or gone while
 * changes were lost, and a row deleted then keeps that image in the compacted topic for good. Its key is
 * loaded from the database instead, like an image that cannot be rendered.
 */
final class RowImageCollector {
    private final ViewCatalog catalog;
    private final KeySpace keys;
    private final FillPlan plan;
    private final ParamSetJson paramSets;
    private final RebuildCounts counts;
    private final Version trustedFrom;

    RowImageCollector(ViewCatalog catalog, KeySpace keys, FillPlan plan, ParamSetJson paramSets, RebuildCounts counts,
                      Version trustedFrom) {
        this.catalog = catalog;
        this.keys = keys;
        this.plan = plan;
        this.paramSets = paramSets;
        this.counts = counts;
        this.trustedFrom = trustedFrom;
    }

    /** Adds to {@code batch} what {@code event} means for the views being filled. */
    void collect(ChangeEvent event, PollBatch batch) {
        for (ViewCatalog.Source source : catalog.sourcesOf(event.table())) {
            ViewDefinition view = source.view();
            if (!plan.fills(view.name())) {
                continue;
            }
            PlainRowView row = plan.plainRow(view.name());
            if (row != null) {
                collectRow(event, view, row, batch);
                continue;
            }
            ObjectNode after = event.after();
            if (after == null) {
                continue;
            }
            Map<String, Object> params = bind(view, source.mapping(), after);
            if (params != null) {
                batch.loadLater(view.name(), paramSets.encode(params));
            }
        }
    }

    private void collectRow(ChangeEvent event, ViewDefinition view, PlainRowView row, PollBatch batch) {
        if (!row.table().equals(event.table())) {
            return;
        }
        Map<String, Object> params = row.params(event);
        if (params == null) {
            return;
        }
        CacheKey key = keys.key(view, params);
        ObjectNode after = event.after();
        if (after == null) {
            batch.invalidate(key, event.version());
        } else if (!trustedFrom.isAfter(event.version()) && row.keyedByKeyColumn(event)
                && row.render(after) instanceof PlainRowView.Image.Rendered rendered) {
            batch.write(key, event.version(), rendered.value());
        } else {
            // Captured before changes were lost, keyed otherwise, or a value the image cannot render exactly
            // (a TOAST placeholder, an unknown form): the database renders this row, after the topics are read.
            counts.imageFallback();
            batch.loadInstead(key, view.name(), paramSets.encode(params));
        }
    }

    /** The view parameters a row binds through one source, free ones at their defaults; null if a bound column is null. */
    private static @Nullable Map<String, Object> bind(ViewDefinition view, SourceMapping mapping, ObjectNode row) {
        Map<String, Object> params = new TreeMap<>();
        for (Map.Entry<String, String> bind : mapping.bind().entrySet()) {
            JsonNode value = row.get(bind.getValue());
            if (value == null || value.isNull()
                    || value.isTextual() && ChangeEvent.UNAVAILABLE_VALUE.equals(value.textValue())) {
                return null;
            }
            try {
                params.put(bind.getKey(), view.param(bind.getKey()).type().fromJson(value));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        for (ParamSpec spec : view.params().values()) {
            if (!params.containsKey(spec.name())) {
                if (spec.defaultValue() == null) {
                    return null;
                }
                params.put(spec.name(), spec.defaultValue());
            }
        }
        return params;
    }
}
