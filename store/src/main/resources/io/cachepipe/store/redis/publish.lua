-- Publishes one near-cache invalidation message with the next sequence number. INCR and PUBLISH in
-- one script: delivery order is sequence order, so a subscriber that sees a gap knows it missed one.
-- KEYS[1] = sequence key; ARGV: channel, payload (lines: "k <key>", "g <group index>" or "*")
local seq = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[1], seq .. '\n' .. ARGV[2])
return seq
