/**
 * Lua run inside Redis, so that replicas of the cache writer never read-then-write across round trips.
 * Numbers cross as strings: Redis truncates Lua numbers in replies to integers, and `%.17g` keeps every bit of the
 * EWMA so that the Redis and memory stores agree exactly.
 */

/**
 * KEYS: applied marker, latest, history, sentiment hash, applied counter.
 * ARGV: signal JSON, timestamp, sentiment, signal TTL s, history length, alpha, applied TTL s, now ms, signal id.
 * Returns {1|0, ewma string ('' when no EWMA exists)}.
 */
export const APPLY_LUA = `
if not redis.call('SET', KEYS[1], ARGV[9], 'NX', 'EX', ARGV[7]) then
  return {0, redis.call('HGET', KEYS[4], 'value') or ''}
end
local ts = tonumber(ARGV[2])
local replace = true
local cur = redis.call('GET', KEYS[2])
if cur then
  local ok, dec = pcall(cjson.decode, cur)
  if ok and type(dec) == 'table' and type(dec.timestamp) == 'number' and dec.timestamp > ts then
    replace = false
  end
end
if replace then
  redis.call('SETEX', KEYS[2], ARGV[4], ARGV[1])
end
redis.call('LPUSH', KEYS[3], ARGV[1])
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[5]) - 1)
local s = tonumber(ARGV[3])
local a = tonumber(ARGV[6])
local prev = redis.call('HGET', KEYS[4], 'value')
local v
if prev then
  v = a * s + (1 - a) * tonumber(prev)
else
  v = s
end
local vs = string.format('%.17g', v)
redis.call('HSET', KEYS[4], 'value', vs, 'updated_ms', ARGV[8])
redis.call('HINCRBY', KEYS[4], 'count', 1)
redis.call('INCR', KEYS[5])
return {1, vs}
`;

/** KEYS: claim key. ARGV: msg id, TTL s. Returns 'new' | 'same' | 'duplicate'. */
export const CLAIM_LUA = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
  return 'new'
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return 'same'
end
return 'duplicate'
`;

/** KEYS: latest, sentiment hash. Returns {latest JSON or '', value, count, updated_ms} (missing fields as ''). */
export const SNAPSHOT_LUA = `
local h = redis.call('HMGET', KEYS[2], 'value', 'count', 'updated_ms')
return {redis.call('GET', KEYS[1]) or '', h[1] or '', h[2] or '', h[3] or ''}
`;
