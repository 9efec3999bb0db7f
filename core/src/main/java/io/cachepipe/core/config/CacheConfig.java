package io.cachepipe.core.config;

import java.time.Duration;
import java.util.List;

/**
 * Cache-wide behaviour shared by every process that reads or writes cache entries.
 *
 * @param enabled       the kill switch: false serves every read straight from PostgreSQL
 * @param viewsFile     the views declaration (YAML); {@code classpath:} names a bundled example
 * @param leaseTtl      how long a read-path fill may hold its lease before another reader may try
 * @param tombstoneTtl  how long an invalidation's version outlives the value it removed; every fill
 *                      and warm write older than this is abandoned, so it must exceed the slowest load
 */
public record CacheConfig(boolean enabled, String viewsFile, Duration leaseTtl, Duration tombstoneTtl) {
    public static final Setting<Boolean> ENABLED = Setting.optional("cache.enabled", "true", Parsers.bool(),
            "kill switch: false serves every read from PostgreSQL").withEnv("CACHE_ENABLED");
    public static final Setting<String> VIEWS_FILE = Setting.required("views.file", Parsers.nonBlank(),
            "path of the views declaration (YAML), relative to the settings file's directory when given there;"
                    + " classpath:<resource> for a bundled example").asPath();
    public static final Setting<Duration> LEASE_TTL = Setting.optional("cache.lease-ttl", "2s",
            Parsers.duration(Duration.ofMillis(10), Duration.ofMinutes(5)), "lease of one read-path fill");
    public static final Setting<Duration> TOMBSTONE_TTL = Setting.optional("cache.tombstone-ttl", "60s",
            Parsers.duration(Duration.ofSeconds(1), Duration.ofDays(1)),
            "life of an invalidation's version after it removed a value; loads slower than this are dropped");

    public CacheConfig {
        new Problems()
                .check(tombstoneTtl.compareTo(leaseTtl.multipliedBy(2)) >= 0, "cache.tombstone-ttl = "
                        + Parsers.format(tombstoneTtl) + " must be at least twice cache.lease-ttl = " + Parsers.format(leaseTtl)
                        + ", or a slow fill could outlive the invalidation that voids it")
                .throwIfAny();
    }

    public static CacheConfig read(Settings settings) {
        Settings.Values values = settings.require(ENABLED, VIEWS_FILE, LEASE_TTL, TOMBSTONE_TTL);
        return new CacheConfig(values.get(ENABLED), values.get(VIEWS_FILE), values.get(LEASE_TTL),
                values.get(TOMBSTONE_TTL));
    }

    public static List<Setting<?>> settings() {
        return List.of(ENABLED, VIEWS_FILE, LEASE_TTL, TOMBSTONE_TTL);
    }
}
