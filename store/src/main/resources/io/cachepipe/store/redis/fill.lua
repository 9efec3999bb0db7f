-- Write the value a lease holder loaded. Refused if the lease was voided by an invalidation
-- (or taken over after expiry), or if anything newer arrived meanwhile.
-- KEYS[1] = cache key, optional KEYS[2] = group index, KEYS[3] = group version key
-- ARGV: lease token, version, value, ttl ms, '1' to mark the value read (warm policy 'read')
local key, index, version_key = KEYS[1], KEYS[2], KEYS[3]
local token, version, value, ttl_ms, mark = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5] == '1'
local f = redis.call('HMGET', key, 'l', 'v', 't')
if f[1] ~= token then return 0 end
redis.call('HDEL', key, 'l', 'le')
if version < vmax(f[3] or ZERO, group_version(version_key)) or (f[2] and version < f[2]) then return 0 end
local now = now_ms()
-- A fill under a lease (a reader's miss, or cachepipe warm's) counts as read (warm policy 'read').
if mark then
  redis.call('HSET', key, 'd', value, 'v', version, 'r', '1')
else
  redis.call('HSET', key, 'd', value, 'v', version)
end
redis.call('HDEL', key, 'w', 'it')
redis.call('PEXPIRE', key, ttl_ms)
register(index, key, now + ttl_ms, now)
return 1
