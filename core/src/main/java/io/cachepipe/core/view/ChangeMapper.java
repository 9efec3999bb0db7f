package io.cachepipe.core.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.ChangeOp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Maps a change to the cache targets it affects, through both row images: a product moved from
 * category 3 to 7 touches the listings of both. Where an image cannot tell which keys it touched
 * (no before image because REPLICA IDENTITY is not FULL, a TOAST placeholder, a value of the wrong
 * type) it answers the safe, wider {@link CacheTarget.WholeView} and says why.
 */
public final class ChangeMapper {
    private final ViewCatalog catalog;

    public ChangeMapper(ViewCatalog catalog) {
        this.catalog = catalog;
    }

    /** The targets of one change, without duplicates, in view declaration order. */
    public List<CacheTarget> targets(ChangeEvent event) {
        Set<CacheTarget> targets = new LinkedHashSet<>();
        for (ViewCatalog.Source source : catalog.sourcesOf(event.table())) {
            targets.addAll(targets(event, source.view(), source.mapping()));
        }
        return List.copyOf(targets);
    }

    private List<CacheTarget> targets(ChangeEvent event, ViewDefinition view, SourceMapping mapping) {
        if (event.op() == ChangeOp.TRUNCATE) {
            return List.of(new CacheTarget.WholeView(view, "truncate of " + event.table()));
        }
        List<CacheTarget> out = new ArrayList<>(2);
        Bound before = null;
        boolean needsBefore = event.op() == ChangeOp.UPDATE || event.op() == ChangeOp.DELETE;
        if (needsBefore) {
            before = bind(event, view, mapping, event.before(), true);
            if (before.widenReason != null) {
                return List.of(new CacheTarget.WholeView(view, before.widenReason));
            }
            boolean rowGone = event.op() == ChangeOp.DELETE && keyColumnsCover(event.key(), mapping);
            before.target(view, mapping, !rowGone).ifPresent(out::add);
        }
        if (event.after() != null) {
            Bound after = bind(event, view, mapping, event.after(), false);
            if (after.widenReason != null) {
                return List.of(new CacheTarget.WholeView(view, after.widenReason));
            }
            after.target(view, mapping, true).ifPresent(target -> {
                if (!out.contains(target)) {
                    out.add(target);
                }
            });
        }
        return out;
    }

    /** The parameter values one image binds, or why it cannot tell. */
    private static final class Bound {
        final Map<String, Object> values = new LinkedHashMap<>();
        boolean absent;
        @Nullable String widenReason;

        java.util.Optional<CacheTarget> target(ViewDefinition view, SourceMapping mapping, boolean warm) {
            if (absent) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(view.isPattern(mapping)
                    ? new CacheTarget.Group(view, values)
                    : new CacheTarget.Key(view, values, warm));
        }
    }

    private Bound bind(ChangeEvent event, ViewDefinition view, SourceMapping mapping, @Nullable ObjectNode image, boolean isBefore) {
        var bound = new Bound();
        ObjectNode key = event.key();
        if (image == null) {
            if (isBefore && !keyColumnsCover(key, mapping)) {
                bound.widenReason = "no before image for " + event.op() + " of " + event.table()
                        + " (REPLICA IDENTITY is not FULL), so the old values of " + mapping.bind().values() + " are unknown";
            } else {
                bound.absent = true;
            }
            return bound;
        }
        boolean partial = isBefore && isKeyOnly(image, key);
        for (Map.Entry<String, String> bind : mapping.bind().entrySet()) {
            String column = bind.getValue();
            JsonNode value = image.get(column);
            boolean isKeyColumn = key != null && key.has(column);
            if (value == null || partial && !isKeyColumn && value.isNull()) {
                bound.widenReason = (value == null ? "column " + column + " is missing from the " : "column " + column
                        + " is not in the key-only ") + (isBefore ? "before" : "after") + " image of " + event.table();
                return bound;
            }
            if (value.isTextual() && ChangeEvent.UNAVAILABLE_VALUE.equals(value.textValue())) {
                JsonNode fallback = isBefore || event.before() == null ? null : event.before().get(column);
                if (fallback == null || fallback.isTextual() && ChangeEvent.UNAVAILABLE_VALUE.equals(fallback.textValue())) {
                    bound.widenReason = "column " + column + " of " + event.table() + " is a value the change does not carry (an unchanged TOAST value, or one too large for a Kafka message)";
                    return bound;
                }
                value = fallback;
            }
            if (value.isNull()) {
                bound.absent = true;
                return bound;
            }
            ParamSpec param = view.param(bind.getKey());
            try {
                bound.values.put(bind.getKey(), param.type().fromJson(value));
            } catch (IllegalArgumentException e) {
                bound.widenReason = "column " + column + " of " + event.table() + " does not fit parameter " + bind.getKey()
                        + ": " + e.getMessage();
                return bound;
            }
        }
        return bound;
    }

    private static boolean keyColumnsCover(@Nullable ObjectNode key, SourceMapping mapping) {
        return key != null && mapping.bind().values().stream().allMatch(key::has);
    }

    /**
     * A before image holding nothing but the key: PostgreSQL sends only the replica identity columns
     * for deletes and key changes when REPLICA IDENTITY is DEFAULT, and Debezium fills the rest with null.
     */
    private static boolean isKeyOnly(ObjectNode image, @Nullable ObjectNode key) {
        if (key == null) {
            return false;
        }
        var fields = image.properties();
        boolean anyNonKey = false;
        for (Map.Entry<String, JsonNode> field : fields) {
            if (!key.has(field.getKey())) {
                anyNonKey = true;
                if (!field.getValue().isNull()) {
                    return false;
                }
            }
        }
        return anyNonKey;
    }
}
