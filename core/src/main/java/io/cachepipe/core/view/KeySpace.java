package io.cachepipe.core.view;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Names every cache key in Redis. A view with pattern sources puts the segments up to its last
 * group parameter in a hash tag, {@code cp:{category:3}:products:page:1}, so a group's keys, its
 * index {@code cp:{category:3}:products:page:*} and its version share one Redis Cluster slot. Other
 * views render plainly, {@code cp:product:42}. Reserved names start with {@code #}, which no
 * template literal may contain.
 */
public final class KeySpace {
    private final String namespace;
    private final ViewCatalog catalog;

    public KeySpace(String namespace, ViewCatalog catalog) {
        this.namespace = namespace;
        this.catalog = catalog;
    }

    public String namespace() {
        return namespace;
    }

    public ViewCatalog catalog() {
        return catalog;
    }

    public CacheKey key(ViewDefinition view, Map<String, Object> params) {
        List<String> segments = view.key().renderSegments(params);
        if (!view.hasPatternSources()) {
            return new CacheKey(view, params, namespace + String.join(":", segments), null);
        }
        int tag = tagLength(view);
        String tagged = namespace + "{" + String.join(":", segments.subList(0, tag)) + "}";
        String key = tag == segments.size() ? tagged : tagged + ":" + String.join(":", segments.subList(tag, segments.size()));
        return new CacheKey(view, params, key, groupOf(view, segments.subList(0, tag)));
    }

    /** The group of keys sharing these group parameter values. */
    public KeyGroup group(ViewDefinition view, Map<String, Object> bound) {
        if (!view.hasPatternSources()) {
            throw new IllegalArgumentException("view " + view.name() + " has no pattern sources, so no groups");
        }
        return groupOf(view, view.key().renderSegments(bound).subList(0, tagLength(view)));
    }

    /** Sorted set of every group index (pattern views) or every key (other views) of a view: for whole-view invalidation. */
    public String registry(ViewDefinition view) {
        return namespace + "#registry:" + view.name();
    }

    /** A key the invalidator keeps present: gone after it was seen means Redis lost the namespace (see CacheLoss). */
    public String sentinel() {
        return namespace + "#sentinel";
    }

    /** When Redis lost the namespace and what its registries named then, until a rebuild refills it (see CacheLoss). */
    public String lossRecord() {
        return namespace + "#lost";
    }

    /** The last time the replication slot lost changes and every cached value was dropped for it (see SlotLossRecord). */
    public String slotLossRecord() {
        return namespace + "#slot-lost";
    }

    /**
     * The run id of the Redis server this namespace's data was last checked under: data loaded from a
     * file another server wrote (a restored snapshot, a promoted replica) names another server, or none.
     */
    public String origin() {
        return namespace + "#origin";
    }

    /** Hash of how far the pipeline applied each change-topic partition, and the recent watermarks (see AppliedWatermarks). */
    public String applied() {
        return namespace + "#applied";
    }

    /** Pub/sub channel of near-cache invalidation messages. */
    public String nearCacheChannel() {
        return namespace + "#l1";
    }

    /** Counter numbering the near-cache messages, so a subscriber notices one it missed. */
    public String nearCacheSequence() {
        return namespace + "#l1:seq";
    }

    /** Sorted set of the hottest cache keys, scored by (approximate) reads; written by the API, read by {@code warm --hot}. */
    public String hotKeys() {
        return namespace + "#hot";
    }

    /** Hash of a rebuild's resumable position: next offset per change-topic partition, views done. */
    public String rebuildCheckpoint() {
        return namespace + "#rebuild";
    }

    /** Set of the parameter sets (JSON) a rebuild still has to load from the database for one view. */
    public String rebuildParams(String view) {
        return namespace + "#rebuild:params:" + view;
    }

    /** Hash describing the last replay: written by {@code cachepipe replay}, served by {@code GET /admin/replay/status}. */
    public String replayStatus() {
        return namespace + "#replay";
    }

    /** Parses a Redis key written by this key space back into its view and parameters. */
    public Optional<CacheKey> parse(String redisKey) {
        if (!redisKey.startsWith(namespace)) {
            return Optional.empty();
        }
        String rest = redisKey.substring(namespace.length());
        List<String> segments = new ArrayList<>();
        boolean tagged = rest.startsWith("{");
        if (tagged) {
            int close = rest.indexOf('}');
            if (close < 0) {
                return Optional.empty();
            }
            segments.addAll(Arrays.asList(rest.substring(1, close).split(":", -1)));
            String tail = rest.substring(close + 1);
            if (!tail.isEmpty()) {
                if (!tail.startsWith(":")) {
                    return Optional.empty();
                }
                segments.addAll(Arrays.asList(tail.substring(1).split(":", -1)));
            }
        } else {
            segments.addAll(Arrays.asList(rest.split(":", -1)));
        }
        for (ViewDefinition view : catalog.views()) {
            if (view.hasPatternSources() != tagged) {
                continue;
            }
            Map<String, String> texts = view.key().match(segments);
            if (texts == null) {
                continue;
            }
            try {
                Map<String, Object> params = new LinkedHashMap<>();
                texts.forEach((name, text) -> params.put(name, view.param(name).type().parse(text)));
                CacheKey key = key(view, params);
                if (key.redisKey().equals(redisKey)) {
                    return Optional.of(key);
                }
            } catch (IllegalArgumentException e) {
                // not this view's key
            }
        }
        return Optional.empty();
    }

    private KeyGroup groupOf(ViewDefinition view, List<String> tagSegments) {
        List<String> rest = view.key().renderSegments(Map.of()).subList(tagSegments.size(), view.key().segments().size());
        String index = namespace + "{" + String.join(":", tagSegments) + "}" + (rest.isEmpty() ? "" : ":" + String.join(":", rest));
        return new KeyGroup(index, index + ":#version");
    }

    /** Segments in the hash tag: through the last group parameter, or the leading literals if the group is empty. */
    private static int tagLength(ViewDefinition view) {
        List<KeyTemplate.Segment> segments = view.key().segments();
        int params = 0;
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i).isParam()) {
                if (params == view.groupSize()) {
                    return i;
                }
                params++;
                if (params == view.groupSize()) {
                    return i + 1;
                }
            }
        }
        return segments.size();
    }
}
