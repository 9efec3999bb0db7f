-- Drops one member of a registry or group index, only if its score is still the one the caller read:
-- a member registered again meanwhile (a write in progress) keeps its entry.
-- KEYS[1] = registry or group index; ARGV: member, score read (whole ms)
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
