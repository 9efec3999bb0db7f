-- Records how far change-topic partitions are applied: each field "o:<topic>:<partition>" holds the
-- next offset to apply, and never moves back (a rebalance may replay from an older commit).
-- KEYS[1] = the applied-position hash; ARGV: field, offset, field, offset, ...
for i = 1, #ARGV, 2 do
  local current = redis.call('HGET', KEYS[1], ARGV[i])
  if not current or tonumber(ARGV[i + 1]) > tonumber(current) then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  end
end
return 1
