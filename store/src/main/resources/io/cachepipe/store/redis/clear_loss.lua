-- Removes the record of a lost namespace (see CacheLoss) if the loss was noticed before a rebuild of
-- every view started (or in the same millisecond); a loss noticed since stays on record.
-- KEYS[1] = loss record; ARGV[1] = when the rebuild started (Redis time, ms)
local raw = redis.call('GET', KEYS[1])
if raw and cjson.decode(raw).at <= tonumber(ARGV[1]) then return redis.call('DEL', KEYS[1]) end
return 0
