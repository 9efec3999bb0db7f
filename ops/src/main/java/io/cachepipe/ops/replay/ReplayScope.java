package io.cachepipe.ops.replay;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.ops.ViewSelection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Which captured tables' change topics a replay moves back: every one, or those of the named views and tables. */
public final class ReplayScope {
    private ReplayScope() {
    }

    /** @throws IllegalArgumentException naming a view not declared or a table not captured */
    public static Set<TableName> tables(ViewCatalog catalog, Collection<String> views, Collection<String> tables) {
        Set<TableName> captured = catalog.capturedTables();
        if (views.isEmpty() && tables.isEmpty()) {
            return captured;
        }
        Set<TableName> out = new LinkedHashSet<>();
        if (!views.isEmpty()) {
            for (ViewDefinition view : ViewSelection.select(catalog, views)) {
                view.sources().forEach(source -> out.add(source.table()));
            }
        }
        List<String> unknown = new ArrayList<>();
        for (String name : tables) {
            TableName table = TableName.parse(name);
            if (captured.contains(table)) {
                out.add(table);
            } else {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("--tables " + String.join(", ", unknown) + ": not captured (captured: " + captured + ")");
        }
        return out;
    }
}
