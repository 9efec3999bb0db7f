-- Shared by every cachepipe script (prepended at load time).
--
-- A cache entry is a hash:  d = value bytes ("" = cached "not found"), v = version of d,
--   t = version of the newest invalidation seen, it = when d became stale (refresh mode),
--   l/le = lease token and its expiry (ms), w = "1" while a re-warm is pending.
-- Versions are 16 lowercase hex digits, so string comparison is version comparison.
-- A group (pattern) index is a sorted set of member keys scored by expiry time (ms); the
-- group's own tombstone is a string key. Members, index and version share one hash tag.
local ZERO = '0000000000000000'

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function vmax(a, b)
  if a > b then return a end
  return b
end

local function group_version(version_key)
  if not version_key then return ZERO end
  return redis.call('GET', version_key) or ZERO
end

-- Adds a key to its group index until it expires, prunes expired members, keeps the index alive.
local function register(index, key, expires_at, now)
  if not index then return end
  redis.call('ZADD', index, expires_at, key)
  redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
  local ttl = expires_at - now
  if redis.call('PTTL', index) < ttl then redis.call('PEXPIRE', index, ttl) end
end

-- Applies one invalidation to one key. Returns {applied, warm}.
--   applied: the cached value was older than this change and is now gone (or marked stale).
--   warm:    the key should be re-warmed (per policy: it was cached, or a re-warm was pending).
-- Any invalidation newer than the key's tombstone voids an outstanding lease: a fill that began
-- before this change must not write what it read.
local function invalidate_key(key, version, mode, tomb_ms, policy, now)
  local f = redis.call('HMGET', key, 'd', 'v', 't', 'w')
  local d, v, t, w = f[1], f[2], f[3] or ZERO, f[4]
  if version > t then
    redis.call('HSET', key, 't', version)
    redis.call('HDEL', key, 'l', 'le')
  end
  local applied = d and (not v or version > v)
  if applied then
    if mode == 'refresh' then
      if not redis.call('HGET', key, 'it') then redis.call('HSET', key, 'it', now) end
    else
      redis.call('HDEL', key, 'd', 'v', 'it')
      d = false
    end
  end
  local warm = (policy == 'always') or (policy == 'cached' and (applied or w == '1'))
  if warm then redis.call('HSET', key, 'w', '1') end
  if not d then
    -- Only a tombstone is left: it must outlive any load that started before it, and no longer.
    redis.call('PEXPIRE', key, tomb_ms)
  end
  return {applied and 1 or 0, warm and 1 or 0}
end
