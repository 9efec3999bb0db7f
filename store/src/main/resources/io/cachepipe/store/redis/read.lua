-- Read a key, or take the lease to fill it (single flight across every API instance).
-- KEYS[1] = cache key, optional KEYS[2] = group index, KEYS[3] = group version key
-- ARGV: lease token, lease ms, stale grace ms (0 = never serve stale), '1' to mark a value served as read
-- Returns {'hit', d, v} | {'stale', d, v} | {'busy'} | {'lease', fill version}
local key, index, version_key = KEYS[1], KEYS[2], KEYS[3]
local token, lease_ms, grace_ms, mark = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == '1'
local now = now_ms()
local f = redis.call('HMGET', key, 'd', 'v', 't', 'it', 'l', 'le', 'r')
local d, v, t, it, l, le, r = f[1], f[2], f[3] or ZERO, f[4], f[5], f[6], f[7]
local newest = vmax(t, group_version(version_key))
-- Under warm policy 'read' a value served is marked read, once per value: only such values are re-warmed.
if d and v >= newest then
  if mark and not r then redis.call('HSET', key, 'r', '1') end
  return {'hit', d, v}
end
if d and grace_ms > 0 and it and now - tonumber(it) <= grace_ms then
  if mark and not r then redis.call('HSET', key, 'r', '1') end
  return {'stale', d, v}
end
if l and tonumber(le) > now then return {'busy'} end
redis.call('HSET', key, 'l', token, 'le', now + lease_ms)
if redis.call('PTTL', key) < lease_ms then redis.call('PEXPIRE', key, lease_ms) end
register(index, key, now + lease_ms, now)
return {'lease', newest}
