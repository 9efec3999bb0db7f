-- Looks at a key the way read.lua judges it, without taking a lease or touching anything.
-- KEYS[1] = cache key, optional KEYS[2] = group index, KEYS[3] = group version key
-- Returns {d, v} when the key holds a current value; otherwise {1} when the key still holds something
-- (a tombstone, a superseded value, a lease) and {0} when Redis holds nothing under it.
local f = redis.call('HMGET', KEYS[1], 'd', 'v', 't')
local d, v, t = f[1], f[2], f[3] or ZERO
if d and v >= vmax(t, group_version(KEYS[3])) then return {d, v} end
return {redis.call('EXISTS', KEYS[1])}
