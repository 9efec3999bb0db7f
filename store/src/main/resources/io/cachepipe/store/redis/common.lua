-- Shared by every cachepipe script (prepended at load time).
--
-- A cache entry is a hash:  d = value bytes ("" = cached "not found"), v = version of d (always written and
--   deleted with d), t = version of the newest invalidation seen, it = when d became stale (refresh mode),
--   l/le = lease token and its expiry (ms), w = "1" while a re-warm is pending, r = "1" once a reader was
--   served a value since the last change applied to the key (read.lua, fill.lua, views on warm policy
--   'read'; the change's invalidation drops it). A warmer's write leaves it: a reader who filled the key
--   while its re-warm was on the way, then read it from a near cache, was still a reader.
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

-- Applies one invalidation to one key. Returns {applied, warm, holds}.
--   applied: the cached value was older than this change and is now gone (or marked stale).
--   warm:    the key should be re-warmed (per policy: it was cached, or for 'read' cached and read since
--            the last change; or a re-warm was pending).
--   holds:   the key still holds a value afterwards (refresh mode, or a value newer than the change).
-- Any invalidation newer than the key's tombstone voids an outstanding lease: a fill that began
-- before this change must not write what it read.
-- One HMGET, then at most one HSET, one HDEL and one PEXPIRE: Redis spends its time on calls, not fields.
-- A value is asked for by its version: d and v are written and deleted together, and fetching d would
-- copy the whole value (a listing page, kilobytes) into Lua for every key a change touches. A lease's
-- l and le are written and deleted together too, so l tells whether there is a lease to void: without
-- one, a key that was already a tombstone takes no HDEL (most invalidations under load are of those).
local function invalidate_key(key, version, mode, tomb_ms, policy, now)
  local f = redis.call('HMGET', key, 'v', 't', 'w', 'it', 'l', 'r')
  local v, t, w, it, l, r = f[1], f[2] or ZERO, f[3], f[4], f[5], f[6]
  local d = v
  local set, del = {}, {}
  if version > t then
    set[#set + 1] = 't'; set[#set + 1] = version
    if l then del[#del + 1] = 'l'; del[#del + 1] = 'le' end
  end
  local applied = d and version > v
  if applied then
    if r then del[#del + 1] = 'r' end
    if mode == 'refresh' then
      if not it then set[#set + 1] = 'it'; set[#set + 1] = now end
    else
      del[#del + 1] = 'd'; del[#del + 1] = 'v'; del[#del + 1] = 'it'
      d = false
    end
  end
  local warm = (policy == 'always') or (policy == 'cached' and (applied or w == '1'))
    or (policy == 'read' and ((applied and r) or w == '1'))
  if warm and w ~= '1' then set[#set + 1] = 'w'; set[#set + 1] = '1' end
  if #set > 0 then redis.call('HSET', key, unpack(set)) end
  if #del > 0 then redis.call('HDEL', key, unpack(del)) end
  if not d then
    -- Only a tombstone is left: it must outlive any load that started before it, and no longer.
    redis.call('PEXPIRE', key, tomb_ms)
  end
  return {applied and 1 or 0, warm and 1 or 0, d and 1 or 0}
end

-- Version-guarded write (warmer, rebuild): accepted only if no newer value is cached and no newer
-- invalidation was seen for the key or its group. Leases are left alone: a lease holder's fill is
-- then refused or equal, never older. Returns 1 if written.
local function write_key(key, index, version_key, version, value, ttl_ms, now)
  local f = redis.call('HMGET', key, 'v', 't', 'w', 'it')
  if version < vmax(f[2] or ZERO, group_version(version_key)) or (f[1] and version < f[1]) then return 0 end
  redis.call('HSET', key, 'd', value, 'v', version)
  if f[3] or f[4] then redis.call('HDEL', key, 'w', 'it') end
  redis.call('PEXPIRE', key, ttl_ms)
  register(index, key, now + ttl_ms, now)
  return 1
end

-- A change whose new row image is the key's whole value (a plain row view): the invalidation and the
-- re-warm in one step, so a reader never finds the key empty between them. The same guards as
-- invalidate + write: an image older than the key's tombstone or value changes nothing; one newer
-- than the tombstone voids an outstanding lease (the fill read the row before this change).
-- A key the policy would not re-warm (not cached, policy 'cached') is only invalidated.
-- A key that held a value keeps its expiry (and so its registry entry, which outlives it): a value's
-- TTL counts from its fill or re-warm, not from the changes written over it since, which saves a
-- PEXPIRE here and a registry ZADD after. A key that held none (a re-warm pending) gets ttl_ms.
-- Returns 2 if the value was written and the key's expiry set (register it until then), 1 if written
-- keeping its expiry, 0 if the key was only invalidated or the image was older.
local function replace_key(key, version, value, ttl_ms, tomb_ms, policy, now)
  local f = redis.call('HMGET', key, 'v', 't', 'w', 'l', 'it')
  local v, t, w, l, it = f[1], f[2] or ZERO, f[3], f[4], f[5]
  if version < t or (v and version < v) then return 0 end
  -- A row image costs no load: under 'read' it replaces a cached value whether read or not, as under 'cached'.
  local wanted = (policy == 'always') or ((policy == 'cached' or policy == 'read') and (v or w == '1'))
  if not wanted then
    invalidate_key(key, version, 'invalidate', tomb_ms, 'never', now)
    return 0
  end
  if version > t then
    redis.call('HSET', key, 't', version, 'd', value, 'v', version)
    if l or w or it then redis.call('HDEL', key, 'l', 'le', 'w', 'it') end
  else
    redis.call('HSET', key, 'd', value, 'v', version)
    if w or it then redis.call('HDEL', key, 'w', 'it') end
  end
  if v then return 1 end
  redis.call('PEXPIRE', key, ttl_ms)
  return 2
end

-- Invalidates every live member of one group (pattern): cost grows with the group, not the keyspace.
-- Returns the member keys to re-warm.
local function invalidate_group(index, version_key, version, mode, tomb_ms, policy, now)
  if version > (redis.call('GET', version_key) or ZERO) then
    redis.call('SET', version_key, version, 'PX', tomb_ms)
  end
  local to_warm = {}
  local members = redis.call('ZRANGEBYSCORE', index, now, '+inf')
  for _, member in ipairs(members) do
    local r = invalidate_key(member, version, mode, tomb_ms, policy, now)
    if r[2] == 1 then
      table.insert(to_warm, member)
    elseif mode ~= 'refresh' and r[3] == 0 then
      -- A member with a re-warm pending stays: the next invalidation of the group must ask for it
      -- again at its own version, or a page emptied by one change would never be re-warmed.
      redis.call('ZREM', index, member)
    end
  end
  redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
  return to_warm
end
