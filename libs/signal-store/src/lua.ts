/**
 * Lua run inside Redis (registered with ioredis `defineCommand`: sent by SHA, loaded again on NOSCRIPT), so that
 * replicas of the cache writer never read-then-write across round trips.
 * Numbers cross as strings: Redis truncates Lua numbers in replies to integers, and `%.17g` keeps every bit of the
 * EWMA so that the Redis and memory stores agree exactly.
 */

/**
 * KEYS: applied marker, latest, history, sentiment (string), sentiment stats (hash), applied counter.
 * ARGV: signal JSON without its closing brace, ending in `"cached_at":`; published ms; sentiment; signal TTL s;
 *   history length; alpha; applied TTL s; signal id; updates channel; asset.
 * `cached_at` is Redis's own clock (TIME) at the write, so every writer replica stamps from one clock.
 * Returns {1|0 applied, ewma string ('' when none), 1|0 became latest, cached_at string ('' when not applied)}.
 */
export const APPLY_LUA = `
if not redis.call('SET', KEYS[1], ARGV[8], 'NX', 'EX', ARGV[7]) then
  return {0, redis.call('GET', KEYS[4]) or '', 0, ''}
end
local t = redis.call('TIME')
local usec = string.format('%06d', tonumber(t[2]))
local cached = t[1] .. '.' .. usec
local json = ARGV[1] .. cached .. '}'
local pub = tonumber(ARGV[2])
local replace = 1
local cur = redis.call('GET', KEYS[2])
if cur then
  local ok, dec = pcall(cjson.decode, cur)
  if ok and type(dec) == 'table' and type(dec.published_ms) == 'number' and dec.published_ms > pub then
    replace = 0
  end
end
if replace == 1 then
  redis.call('SETEX', KEYS[2], ARGV[4], json)
end
redis.call('LPUSH', KEYS[3], json)
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[5]) - 1)
local s = tonumber(ARGV[3])
local a = tonumber(ARGV[6])
local prev = tonumber(redis.call('GET', KEYS[4]) or '')
local v
if prev then
  v = a * s + (1 - a) * prev
else
  v = s
end
local vs = string.format('%.17g', v)
redis.call('SET', KEYS[4], vs)
redis.call('HSET', KEYS[5], 'updated_ms', t[1] .. string.sub(usec, 1, 3))
redis.call('HINCRBY', KEYS[5], 'count', 1)
redis.call('INCR', KEYS[6])
redis.call('PUBLISH', ARGV[9], ARGV[10])
return {1, vs, replace, cached}
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

/** KEYS: latest, sentiment. Returns {latest JSON or '', EWMA or ''}: one round trip, one consistent instant. */
export const SNAPSHOT_LUA = `
return {redis.call('GET', KEYS[1]) or '', redis.call('GET', KEYS[2]) or ''}
`;
