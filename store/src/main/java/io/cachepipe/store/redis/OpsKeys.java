package io.cachepipe.store.redis;

/**
 * Redis names of the operator tools, next to the cache keys of one namespace. They start with
 * {@code #}, which no key template may contain, so they never collide with a cache key.
 */
public final class OpsKeys {
    private OpsKeys() {
    }

    /** Sorted set of the hottest cache keys, scored by (approximate) reads; written by the API, read by {@code warm --hot}. */
    public static String hot(String namespace) {
        return namespace + "#hot";
    }

    /** Hash of a rebuild's resumable position: next offset per change-topic partition, views done. */
    public static String rebuildCheckpoint(String namespace) {
        return namespace + "#rebuild";
    }

    /** Set of the parameter sets (JSON) a rebuild still has to load from the database for one view. */
    public static String rebuildParams(String namespace, String view) {
        return namespace + "#rebuild:params:" + view;
    }

    /** Hash describing the last replay: written by {@code cachepipe replay}, served by {@code GET /admin/replay/status}. */
    public static String replayStatus(String namespace) {
        return namespace + "#replay";
    }
}
