-- Version-guarded write (warmer, rebuild): see write_key in common.lua.
-- KEYS[1] = cache key, optional KEYS[2] = group index, KEYS[3] = group version key
-- ARGV: version, value, ttl ms
return write_key(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], tonumber(ARGV[3]), now_ms())
