package io.cachepipe.ops;

import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The views an operator names: every declared view when none is named, in declaration order. Every
 * command and admin route that takes view names chooses them here, so an unknown name reads the same
 * everywhere.
 */
public final class ViewSelection {
    private static final int NAMES_SHOWN = 10;
    private static final int NAME_SHOWN = 64;

    private ViewSelection() {
    }

    /** Names not declared, listed in the message with the declared ones (at most ten, each cut at 64 characters). */
    public static final class UnknownViewException extends IllegalArgumentException {
        private final String message;

        UnknownViewException(String message) {
            super(message);
            this.message = message;
        }

        /** The message, which the constructor takes: never null. */
        @Override
        public String getMessage() {
            return message;
        }
    }

    /** The named views (all when {@code names} is empty). */
    public static List<ViewDefinition> select(ViewCatalog catalog, Collection<String> names) {
        Set<String> wanted = new LinkedHashSet<>(names);
        if (wanted.isEmpty()) {
            return catalog.views();
        }
        List<String> unknown = wanted.stream().filter(name -> catalog.view(name).isEmpty()).sorted().toList();
        if (!unknown.isEmpty()) {
            String shown = unknown.stream().limit(NAMES_SHOWN)
                    .map(name -> name.length() <= NAME_SHOWN ? name : name.substring(0, NAME_SHOWN) + "…")
                    .collect(Collectors.joining(", "));
            String more = unknown.size() > NAMES_SHOWN ? " and " + (unknown.size() - NAMES_SHOWN) + " more" : "";
            throw new UnknownViewException("no view named " + shown + more + " (declared: " + declared(catalog) + ")");
        }
        return catalog.views().stream().filter(view -> wanted.contains(view.name())).toList();
    }

    /** The one named view. */
    public static ViewDefinition one(ViewCatalog catalog, String name) {
        return select(catalog, List.of(name)).get(0);
    }

    /** The declared views' names, comma-separated. */
    public static String declared(ViewCatalog catalog) {
        return catalog.views().stream().map(ViewDefinition::name).collect(Collectors.joining(", "));
    }
}
