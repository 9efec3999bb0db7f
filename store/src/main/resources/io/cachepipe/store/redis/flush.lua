-- An operator's flush of one key: the value goes, the tombstone is raised to the value's own version,
-- and any lease is voided. So only a write at least as new as what was cached can fill the key again:
-- a load that read the database before the flushed value was written can never land afterwards.
-- KEYS[1] = cache key
-- ARGV: tombstone ms
local key = KEYS[1]
-- Asked by its version, as common.lua asks: d and v are written and deleted together, and fetching d
-- would copy the whole value into Lua (a 17 MB row took 270 ms, past redis.timeout, for nothing).
local f = redis.call('HMGET', key, 'v', 't')
if not f[1] then return 0 end
local v, t = f[1], f[2] or ZERO
if v > t then redis.call('HSET', key, 't', v) end
redis.call('HDEL', key, 'd', 'v', 'it', 'l', 'le', 'w')
redis.call('PEXPIRE', key, tonumber(ARGV[1]))
return 1
