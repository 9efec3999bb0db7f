package io.cachepipe.ops.rebuild;

import io.cachepipe.core.render.PlainRowView;
import io.cachepipe.core.view.ParamSpec;
import io.cachepipe.core.view.ViewDefinition;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * How a rebuild fills each selected view ({@link FillMode}), decided before the topics are read: a
 * view of the plain-row shape whose column types the database describes as renderable is filled from
 * row images, a view with a parameter nothing binds and no default is skipped, every other view is
 * loaded from the database.
 */
final class FillPlan {
    private final Map<String, FillMode> modes;
    private final Map<String, PlainRowView> plain;
    private final long schemaLookups;

    private FillPlan(Map<String, FillMode> modes, Map<String, PlainRowView> plain, long schemaLookups) {
        this.modes = modes;
        this.plain = plain;
        this.schemaLookups = schemaLookups;
    }

    /** Decides every view's mode; describes the column types of each view of the plain-row shape (no rows read). */
    static FillPlan of(List<ViewDefinition> views, DataSource dataSource) throws SQLException {
        Map<String, FillMode> modes = new LinkedHashMap<>();
        Map<String, PlainRowView> plain = new LinkedHashMap<>();
        long schemaLookups = 0;
        try (Connection connection = dataSource.getConnection()) {
            for (ViewDefinition view : views) {
                if (PlainRowView.shape(view).isPresent()) {
                    schemaLookups++;
                    Optional<PlainRowView> detected = PlainRowView.detect(view, connection);
                    if (detected.isPresent()) {
                        plain.put(view.name(), detected.get());
                        modes.put(view.name(), FillMode.ROW_IMAGES);
                        continue;
                    }
                }
                String unbound = unboundWithoutDefault(view);
                modes.put(view.name(), unbound == null ? FillMode.DATABASE_READS : new FillMode.Skipped(unbound));
            }
        }
        return new FillPlan(modes, plain, schemaLookups);
    }

    /** Every selected view's mode, in selection order. */
    Map<String, FillMode> modes() {
        return Collections.unmodifiableMap(modes);
    }

    /** Whether the view is selected and not skipped: its keys are to be filled. */
    boolean fills(String view) {
        FillMode mode = modes.get(view);
        return mode != null && !(mode instanceof FillMode.Skipped);
    }

    /** The view as a plain row view, if it is filled from row images. */
    @Nullable PlainRowView plainRow(String view) {
        return plain.get(view);
    }

    /** Column-type describes run to detect plain row views. */
    long schemaLookups() {
        return schemaLookups;
    }

    /** The first parameter of the view that no source binds and that has no default, or null. */
    private static @Nullable String unboundWithoutDefault(ViewDefinition view) {
        for (ParamSpec spec : view.params().values()) {
            if (spec.defaultValue() == null && view.sources().stream().noneMatch(source -> source.bind().containsKey(spec.name()))) {
                return spec.name();
            }
        }
        return null;
    }
}
