package io.cachepipe.core.view;

/**
 * The Redis names of one pattern group, e.g. all cached pages of category 3. Both share the hash tag
 * of their member keys, so one script can invalidate the group atomically on Redis Cluster too.
 *
 * @param indexKey   sorted set of the member keys, scored by their expiry time, so expired members prune cheaply
 * @param versionKey the group's tombstone: the version of the last invalidation of the whole group
 */
public record KeyGroup(String indexKey, String versionKey) {
}
