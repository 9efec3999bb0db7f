package io.cachepipe.store.redis;

import io.cachepipe.core.change.Version;
import org.jspecify.annotations.Nullable;

/**
 * A key's versions as Redis holds them, read before a load ({@link CacheStore#versions}).
 *
 * @param value              the version of the value the key holds, or null when it holds none
 * @param newestInvalidation the newest invalidation applied to the key or its group ({@link Version#ZERO} for none):
 *                           a load that begins afterwards reads that change, since cdc-capture publishes a change
 *                           only once its commit is visible to a new snapshot
 */
public record EntryVersions(@Nullable Version value, Version newestInvalidation) {
    /** Whether the key holds a value that no invalidation superseded and that is at least {@code wanted}: a load would add nothing. */
    public boolean holdsCurrent(Version wanted) {
        return value != null && value.compareTo(newestInvalidation) >= 0 && value.compareTo(wanted) >= 0;
    }

    /** The version a value loaded now may be written with, for a request at {@code requested}: the newer of the two. */
    public Version writeVersion(Version requested) {
        return requested.max(newestInvalidation);
    }
}
