package io.cachepipe.ops.warm;

import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.store.redis.HotKeyStore;
import io.cachepipe.store.redis.ViewKeys;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The keys a warm covers: the hottest keys the API instances reported (of the chosen views), or the
 * keys the chosen views' registries name. {@code cachepipe warm} and {@code POST /admin/warm} both
 * choose them here.
 */
public final class WarmTargets {
    /** Hot keys read from the shared set per key wanted: some belong to views not chosen. */
    private static final int CANDIDATES_PER_KEY = 4;
    private static final int MAX_CANDIDATES = 100_000;

    private final ViewKeys viewKeys;
    private final HotKeyStore hotKeys;

    public WarmTargets(ViewKeys viewKeys, HotKeyStore hotKeys) {
        this.viewKeys = viewKeys;
        this.hotKeys = hotKeys;
    }

    /** What was chosen, and whether any instance had reported hot keys at all. */
    public record Chosen(List<CacheKey> keys, boolean hotKeysRecorded) {
        public Chosen {
            keys = List.copyOf(keys);
        }
    }

    /**
     * The hottest keys of {@code views}, at most {@code limit}: the shared set's top, then {@code alsoHot}
     * (an API instance's own sketch, not yet reported).
     */
    public Chosen hottest(List<ViewDefinition> views, int limit, Collection<String> alsoHot) {
        Set<String> names = views.stream().map(ViewDefinition::name).collect(Collectors.toSet());
        Set<String> candidates = new LinkedHashSet<>(hotKeys.top((int) Math.min(MAX_CANDIDATES, (long) limit * CANDIDATES_PER_KEY)).keySet());
        boolean recorded = !candidates.isEmpty();
        candidates.addAll(alsoHot);
        List<CacheKey> keys = new ArrayList<>();
        for (CacheKey key : viewKeys.parse(new ArrayList<>(candidates))) {
            if (keys.size() >= limit) {
                break;
            }
            if (names.contains(key.view().name())) {
                keys.add(key);
            }
        }
        return new Chosen(keys, recorded);
    }

    /** The keys the registries of {@code views} name, view by view, at most {@code limit}. */
    public Chosen registered(List<ViewDefinition> views, int limit) {
        List<CacheKey> keys = new ArrayList<>();
        for (ViewDefinition view : views) {
            for (CacheKey key : viewKeys.parse(viewKeys.registered(view, null))) {
                if (keys.size() >= limit) {
                    return new Chosen(keys, true);
                }
                keys.add(key);
            }
        }
        return new Chosen(keys, true);
    }
}
