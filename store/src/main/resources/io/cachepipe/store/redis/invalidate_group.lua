-- Invalidates every live member of one group (pattern): see invalidate_group in common.lua.
-- KEYS[1] = group index (sorted set), KEYS[2] = group version key
-- ARGV: version, mode, tombstone ms, warm policy
-- Returns the member keys to re-warm.
return invalidate_group(KEYS[1], KEYS[2], ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], now_ms())
