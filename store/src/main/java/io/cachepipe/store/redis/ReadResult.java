package io.cachepipe.store.redis;

import io.cachepipe.core.change.Version;

/** What a cache read found. */
public sealed interface ReadResult {
    /** A current value. {@code value} empty means a cached "not found". */
    record Hit(byte[] value, Version version) implements ReadResult {
    }

    /** A value superseded by a change, still within the view's stale grace (refresh mode). */
    record Stale(byte[] value, Version version) implements ReadResult {
    }

    /** Another reader holds the lease and is filling the key. */
    record Busy() implements ReadResult {
    }

    /** This reader holds the lease: load, then {@code fill} with this version and token. */
    record Leased(String token, Version fillVersion) implements ReadResult {
    }
}
