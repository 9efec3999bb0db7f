-- A change whose new row image is the key's whole value (a plain row view): the invalidation and the
-- re-warm in one step, so a reader never finds the key empty between them. The same guards as
-- invalidate + write: an image older than the key's tombstone or value changes nothing; one newer
-- than the tombstone voids an outstanding lease (the fill read the row before this change).
-- A key the policy would not re-warm (not cached, policy 'cached') is only invalidated.
-- KEYS[1] = cache key
-- ARGV: version, value, ttl ms, tombstone ms, warm policy ('cached'|'always'|'never')
-- Returns 1 if the value was written, 0 if the key was only invalidated or the image was older.
local key = KEYS[1]
local version, value, ttl_ms, tomb_ms, policy = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local f = redis.call('HMGET', key, 'd', 'v', 't', 'w')
local d, v, t, w = f[1], f[2], f[3] or ZERO, f[4]
if version < t or (v and version < v) then return 0 end
local wanted = (policy == 'always') or (policy == 'cached' and (d or w == '1'))
if not wanted then
  invalidate_key(key, version, 'invalidate', tomb_ms, 'never', now_ms())
  return 0
end
if version > t then
  redis.call('HSET', key, 't', version)
  redis.call('HDEL', key, 'l', 'le')
end
redis.call('HSET', key, 'd', value, 'v', version)
redis.call('HDEL', key, 'w', 'it')
redis.call('PEXPIRE', key, ttl_ms)
return 1
