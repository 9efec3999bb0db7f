package io.cachepipe.store.redis;

/** What Redis holds under one cache key, as {@link CacheStore#inspect} finds it. */
public sealed interface Inspection {
    /** A current value, as a read would serve it. */
    record Current(ReadResult.Hit hit) implements Inspection {
    }

    /**
     * Something, but no current value: a tombstone left by an invalidation (the key awaits its re-warm
     * or was flushed), a value a newer change superseded, or a reader's lease while it fills the key.
     */
    record Superseded() implements Inspection {
    }

    /** Nothing at all: the value expired with its tombstone, or Redis lost or evicted it. */
    record Absent() implements Inspection {
    }
}
