/**
 * The shared store. Every write is one Lua script (atomic on the server), so any number of cache-writer replicas
 * can apply signals at once without lost updates. Scripts are sent by SHA (EVALSHA) and loaded on NOSCRIPT.
 */
import { createHash } from 'node:crypto';
import type { TradingSignal } from '@himari/contracts';
import { Redis } from 'ioredis';
import { checkRegime, decodeSentiment, decodeSignal, decodeView, encodeSignal } from './codec.ts';
import { APPLY_LUA, CLAIM_LUA, SNAPSHOT_LUA } from './lua.ts';
import { checkStoreOptions, historyLimit } from './options.ts';
import {
  SignalStoreError,
  type ApplyResult,
  type ClaimResult,
  type Clock,
  type FeatureSnapshot,
  type SentimentState,
  type SignalStore,
  type SignalStoreOptions,
} from './types.ts';

class LuaScript {
  private readonly sha: string;
  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(client: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      // After a restart or SCRIPT FLUSH the cache is empty; EVAL loads the script again in the same call.
      if (err instanceof Error && err.message.startsWith('NOSCRIPT')) {
        return client.eval(this.lua, keys.length, ...keys, ...args);
      }
      throw err;
    }
  }
}

const applyScript = new LuaScript(APPLY_LUA);
const claimScript = new LuaScript(CLAIM_LUA);
const snapshotScript = new LuaScript(SNAPSHOT_LUA);

/**
 * @param redisUrlOrClient a URL (the store opens and, on close, quits its own client) or a client the caller owns.
 * @param clock stamps `updated_ms` of the EWMA hash; TTLs are the server's.
 */
export function createRedisSignalStore(
  redisUrlOrClient: string | Redis,
  options: SignalStoreOptions,
  clock: Clock = Date.now,
): SignalStore {
  const opts = checkStoreOptions(options);
  const { keys } = opts;
  const owned = typeof redisUrlOrClient === 'string';
  const client = owned ? new Redis(redisUrlOrClient) : redisUrlOrClient;

  return {
    kind: 'redis',

    async apply(signal: TradingSignal): Promise<ApplyResult> {
      const keyList = [
        keys.applied(signal.id),
        keys.latest(signal.asset),
        keys.history(signal.asset),
        keys.sentiment(signal.asset),
        keys.appliedCount,
      ];
      const { json, signal: s } = encodeSignal(signal);
      const reply = await applyScript.run(client, keyList, [
        json,
        String(s.timestamp),
        String(s.sentiment),
        opts.signalTtlS,
        opts.historyLength,
        String(opts.ewmaAlpha),
        opts.appliedTtlS,
        String(clock()),
        s.id,
      ]);
      if (!Array.isArray(reply) || (reply[0] !== 0 && reply[0] !== 1) || typeof reply[1] !== 'string') {
        throw new SignalStoreError('unexpected_reply', `apply script answered ${JSON.stringify(reply)}`);
      }
      return { applied: reply[0] === 1, ewma: reply[1] === '' ? 0 : Number(reply[1]) };
    },

    async latest(asset: string): Promise<TradingSignal | null> {
      const k = keys.latest(asset);
      const json = await client.get(k);
      return json === null ? null : decodeSignal(json, k);
    },

    async history(asset: string, limit?: number): Promise<TradingSignal[]> {
      const k = keys.history(asset);
      const n = historyLimit(limit, opts.historyLength);
      // LRANGE 0 -1 would mean "everything": a zero limit must not reach Redis.
      if (n === 0) return [];
      const list = await client.lrange(k, 0, n - 1);
      return list.map((json, i) => decodeSignal(json, `${k}[${i}]`));
    },

    async sentiment(asset: string): Promise<SentimentState | null> {
      const k = keys.sentiment(asset);
      return decodeSentiment(await client.hgetall(k), k);
    },

    async snapshot(asset: string): Promise<FeatureSnapshot> {
      const kLatest = keys.latest(asset);
      const kSentiment = keys.sentiment(asset);
      const reply = await snapshotScript.run(client, [kLatest, kSentiment], []);
      if (!Array.isArray(reply) || reply.length !== 4 || !reply.every((x) => typeof x === 'string')) {
        throw new SignalStoreError('unexpected_reply', `snapshot script answered ${JSON.stringify(reply)}`);
      }
      const [json, value, count, updated] = reply as [string, string, string, string];
      const hash: Record<string, string> = value === '' ? {} : { value, count, updated_ms: updated };
      return {
        latest: json === '' ? null : decodeView(json, kLatest),
        sentiment: decodeSentiment(hash, kSentiment),
      };
    },

    async claimNewsId(newsId: string, msgId: string): Promise<ClaimResult> {
      const reply = await claimScript.run(client, [keys.ingestSeen(newsId)], [msgId, opts.dedupeTtlS]);
      if (reply !== 'new' && reply !== 'same' && reply !== 'duplicate') {
        throw new SignalStoreError('unexpected_reply', `claim script answered ${JSON.stringify(reply)}`);
      }
      return reply;
    },

    async appliedCount(): Promise<number> {
      const raw = await client.get(keys.appliedCount);
      return raw === null ? 0 : Number(raw);
    },

    async regime(asset: string): Promise<string | null> {
      const [own, market] = await client.mget(keys.regime(asset), keys.regime());
      return own ?? market ?? null;
    },

    async setRegime(regime: string, o: { asset?: string; ttlS?: number } = {}): Promise<void> {
      const ttl = checkRegime(regime, o.ttlS);
      const k = keys.regime(o.asset);
      if (ttl > 0) await client.set(k, regime, 'EX', ttl);
      else await client.set(k, regime);
    },

    async close(): Promise<void> {
      if (!owned) return;
      try {
        await client.quit();
      } catch {
        // quit fails when the connection is already gone; disconnect stops any reconnect loop either way.
        client.disconnect();
      }
    },
  };
}
