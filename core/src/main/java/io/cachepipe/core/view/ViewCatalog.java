package io.cachepipe.core.view;

import io.cachepipe.core.change.TableName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Every declared view, with the index from captured table to the views its changes affect. */
public final class ViewCatalog {
    /** A view together with one of its sources. */
    public record Source(ViewDefinition view, SourceMapping mapping) {
    }

    private final Map<String, ViewDefinition> views;
    private final Map<TableName, List<Source>> byTable;
    private final List<WriteDefinition> writes;
    private final String origin;

    public ViewCatalog(List<ViewDefinition> views) {
        this(views, List.of());
    }

    public ViewCatalog(List<ViewDefinition> views, List<WriteDefinition> writes) {
        this(views, writes, "views");
    }

    /** @param origin where the declarations came from (the views file), named in every message about them */
    public ViewCatalog(List<ViewDefinition> views, List<WriteDefinition> writes, String origin) {
        this.writes = List.copyOf(writes);
        this.origin = origin;
        var byName = new LinkedHashMap<String, ViewDefinition>();
        var index = new LinkedHashMap<TableName, List<Source>>();
        for (ViewDefinition view : views) {
            byName.put(view.name(), view);
            for (SourceMapping source : view.sources()) {
                index.computeIfAbsent(source.table(), t -> new ArrayList<>()).add(new Source(view, source));
            }
        }
        this.views = java.util.Collections.unmodifiableMap(byName);
        this.byTable = java.util.Collections.unmodifiableMap(index);
    }

    /** The views file the declarations came from, as messages name it. */
    public String origin() {
        return origin;
    }

    public List<ViewDefinition> views() {
        return List.copyOf(views.values());
    }

    /** The declared write endpoints. */
    public List<WriteDefinition> writes() {
        return writes;
    }

    public Optional<ViewDefinition> view(String name) {
        return Optional.ofNullable(views.get(name));
    }

    public List<Source> sourcesOf(TableName table) {
        return byTable.getOrDefault(table, List.of());
    }

    /** Tables whose changes matter: cdc-capture captures exactly these. */
    public Set<TableName> capturedTables() {
        return new LinkedHashSet<>(byTable.keySet());
    }
}
