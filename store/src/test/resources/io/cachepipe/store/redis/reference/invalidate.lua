-- KEYS[1] = cache key
-- ARGV: version, mode ('invalidate'|'refresh'), tombstone ms, warm policy ('cached'|'always'|'never')
local r = invalidate_key(KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], now_ms())
return r
