-- Records that one change-topic partition has been applied up to a watermark (never moves back).
-- KEYS[1] = the applied-position hash; ARGV: field (<topic>:<partition>), version, fan-out count
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current or ARGV[2] > current then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
if tonumber(ARGV[3]) > 0 then
  redis.call('HSET', KEYS[1], '#fanout', ARGV[3])
end
return 1
