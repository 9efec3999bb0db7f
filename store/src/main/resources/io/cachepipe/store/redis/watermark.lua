-- Records a watermark: field "w:<version>" (16 hex digits, so text order is version order) holding the
-- change-topic end offsets it stands for. Only the newest ARGV[3] watermarks are kept.
-- KEYS[1] = the applied-position hash; ARGV: version, encoded end offsets, how many to keep
redis.call('HSET', KEYS[1], 'w:' .. ARGV[1], ARGV[2])
local kept = tonumber(ARGV[3])
local watermarks = {}
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, 1, 2) == 'w:' then
    watermarks[#watermarks + 1] = field
  end
end
if #watermarks > kept then
  table.sort(watermarks)
  for i = 1, #watermarks - kept do
    redis.call('HDEL', KEYS[1], watermarks[i])
  end
end
return 1
