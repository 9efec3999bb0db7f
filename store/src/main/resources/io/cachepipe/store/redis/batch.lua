-- Many cache operations in one call (CacheBatch), each exactly as its own script does it: one round
-- trip and one script start for a whole batch of changes instead of one per key.
-- KEYS: every operation's keys, in operation order. ARGV[1] = tombstone ms, then per operation its
-- code and arguments:
--   i version mode policy         KEYS: key                                  -> applied * 2 + warm
--   r version value ttl policy    KEYS: key                                  -> 2 written + expiry set, 1 written
--   g version mode policy         KEYS: group index, group version key       -> member keys to re-warm
--   w version value ttl           KEYS: key                                  -> 1 if written
--   W version value ttl           KEYS: key, group index, group version key  -> 1 if written
-- On Redis Cluster every key of one call hashes to the same slot: CacheBatch groups operations by slot.
local tomb_ms = tonumber(ARGV[1])
local now = now_ms()
local out = {}
local a, k = 2, 1
while a <= #ARGV do
  local code = ARGV[a]
  if code == 'i' then
    local r = invalidate_key(KEYS[k], ARGV[a + 1], ARGV[a + 2], tomb_ms, ARGV[a + 3], now)
    out[#out + 1] = r[1] * 2 + r[2]
    a, k = a + 4, k + 1
  elseif code == 'r' then
    out[#out + 1] = replace_key(KEYS[k], ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 3]), tomb_ms, ARGV[a + 4], now)
    a, k = a + 5, k + 1
  elseif code == 'g' then
    out[#out + 1] = invalidate_group(KEYS[k], KEYS[k + 1], ARGV[a + 1], ARGV[a + 2], tomb_ms, ARGV[a + 3], now)
    a, k = a + 4, k + 2
  elseif code == 'w' then
    out[#out + 1] = write_key(KEYS[k], nil, nil, ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 3]), now)
    a, k = a + 4, k + 1
  elseif code == 'W' then
    out[#out + 1] = write_key(KEYS[k], KEYS[k + 1], KEYS[k + 2], ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 3]), now)
    a, k = a + 4, k + 3
  else
    return redis.error_reply('batch.lua: unknown operation ' .. tostring(code) .. ' at argument ' .. a)
  end
end
return out
