package io.cachepipe.invalidator;

import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.render.PlainRowView;
import io.cachepipe.core.view.CacheTarget;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The views whose cached value is exactly one row ({@link PlainRowView}), for which a change's after
 * image is the key's new value: the invalidator writes it in the same step as the invalidation
 * instead of deleting the key and asking the warmer to reload it. Readers of a hot row then never
 * find it empty (no miss, no database read), and the new value is in Redis as soon as the
 * invalidation would have been. Learning the column types takes one describe per view at start-up,
 * hence the database connection; without one, every view is invalidated and re-warmed as before.
 */
final class RowImages {
    private static final Logger log = LoggerFactory.getLogger(RowImages.class);
    static final RowImages NONE = new RowImages(Map.of());

    private final Map<String, PlainRowView> views;

    private RowImages(Map<String, PlainRowView> views) {
        this.views = Map.copyOf(views);
    }

    /** Describes every plain-looking view once on {@code database}. */
    static RowImages detect(ViewCatalog catalog, DataSource database) {
        Map<String, PlainRowView> found = new HashMap<>();
        try (Connection connection = database.getConnection()) {
            for (ViewDefinition view : catalog.views()) {
                Optional<PlainRowView> plain = PlainRowView.detect(view, connection);
                plain.ifPresent(row -> found.put(view.name(), row));
            }
        } catch (SQLException e) {
            log.warn("Cannot describe the views on PostgreSQL ({}): every view is invalidated and re-warmed, none updated from row images",
                    e.getMessage());
            return NONE;
        }
        log.info("Views updated from row images: {}", found.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(found.keySet())));
        return new RowImages(found);
    }

    /** The key's new value taken from the change; absent when the key is not of a plain row view. */
    PlainRowView.Image image(ChangeEvent event, CacheTarget.Key key) {
        PlainRowView view = views.get(key.view().name());
        return view == null ? PlainRowView.Image.ABSENT : view.image(event, key.params());
    }
}
