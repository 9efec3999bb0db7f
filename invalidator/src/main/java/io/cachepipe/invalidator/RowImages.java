package io.cachepipe.invalidator;

import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.render.PlainRowView;
import io.cachepipe.core.view.CacheTarget;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
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

    /**
     * The new value of each of a change's targets that a row image gives, null where the key must be
     * invalidated and re-warmed instead (not a plain row view, or not a key). A value the row image
     * cannot render exactly is never a reason to stop: that key is re-warmed from the database, and
     * {@code fallback} counts it.
     */
    List<byte @Nullable []> images(ChangeEvent event, List<CacheTarget> targets, Runnable fallback) {
        List<byte @Nullable []> images = new ArrayList<>(targets.size());
        for (CacheTarget target : targets) {
            byte[] image = null;
            if (target instanceof CacheTarget.Key key) {
                try {
                    image = switch (image(event, key)) {
                        case PlainRowView.Image.Rendered rendered -> rendered.value();
                        case PlainRowView.Image.Absent absent -> null;
                        case PlainRowView.Image.Refused refused -> {
                            fallback.run();
                            log.debug("Row image of {} at {} for view {}: column {} is {}; invalidating and re-warming the key instead",
                                    event.table(), event.version(), key.view().name(), refused.column(), refused.reason());
                            yield null;
                        }
                    };
                } catch (RuntimeException e) {
                    fallback.run();
                    log.warn("Cannot render the row image of {} at {} for view {} ({}): invalidating and re-warming the key instead",
                            event.table(), event.version(), key.view().name(), e.toString());
                }
            }
            images.add(image);
        }
        return images;
    }

    /** The key's new value taken from the change; absent when the key is not of a plain row view. */
    PlainRowView.Image image(ChangeEvent event, CacheTarget.Key key) {
        PlainRowView view = views.get(key.view().name());
        return view == null ? PlainRowView.Image.ABSENT : view.image(event, key.params());
    }
}
