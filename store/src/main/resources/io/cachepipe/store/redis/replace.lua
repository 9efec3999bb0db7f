-- A change's row image as the key's new value, in the invalidation's own step: see replace_key in common.lua.
-- KEYS[1] = cache key
-- ARGV: version, value, ttl ms, tombstone ms, warm policy ('cached'|'always'|'never')
-- Returns 2 if the value was written and its expiry set, 1 if written keeping the expiry of the value it
-- replaced, 0 if the key was only invalidated or the image was older.
return replace_key(KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], now_ms())
