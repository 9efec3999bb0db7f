-- Version-guarded write (warmer, rebuild): accepted only if no newer value is cached and no newer
-- invalidation was seen for the key or its group. Leases are left alone: a lease holder's fill
-- is then refused or equal, never older.
-- KEYS[1] = cache key, optional KEYS[2] = group index, KEYS[3] = group version key
-- ARGV: version, value, ttl ms
local key, index, version_key = KEYS[1], KEYS[2], KEYS[3]
local version, value, ttl_ms = ARGV[1], ARGV[2], tonumber(ARGV[3])
local f = redis.call('HMGET', key, 'v', 't')
if version < vmax(f[2] or ZERO, group_version(version_key)) or (f[1] and version < f[1]) then return 0 end
local now = now_ms()
redis.call('HSET', key, 'd', value, 'v', version)
redis.call('HDEL', key, 'w', 'it')
redis.call('PEXPIRE', key, ttl_ms)
register(index, key, now + ttl_ms, now)
return 1
