-- Invalidates every live member of one group (pattern): cost grows with the group, not the keyspace.
-- KEYS[1] = group index (sorted set), KEYS[2] = group version key
-- ARGV: version, mode, tombstone ms, warm policy
-- Returns the member keys to re-warm.
local version, mode, tomb_ms, policy = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local now = now_ms()
if version > (redis.call('GET', KEYS[2]) or ZERO) then
  redis.call('SET', KEYS[2], version, 'PX', tomb_ms)
end
local to_warm = {}
local members = redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')
for _, member in ipairs(members) do
  local r = invalidate_key(member, version, mode, tomb_ms, policy, now)
  if r[2] == 1 then
    table.insert(to_warm, member)
  elseif mode ~= 'refresh' and redis.call('HEXISTS', member, 'd') == 0 then
    -- A member with a re-warm pending stays: the next invalidation of the group must ask for it
    -- again at its own version, or a page emptied by one change would never be re-warmed.
    redis.call('ZREM', KEYS[1], member)
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return to_warm
