/**
 * The shared store. Every write is one Lua script (atomic on the server), so any number of cache-writer replicas
 * can apply signals at once without lost updates. Scripts are ioredis custom commands (`defineCommand`): sent by SHA,
 * loaded again on NOSCRIPT, and usable inside a pipeline (`applyMany`).
 */
import type { TradingSignal } from '@himari/contracts';
import { Redis, type ChainableCommander } from 'ioredis';
import { checkRegime, decodeRunning, decodeSignal, decodeView, encodeSignal, type EncodedSignal } from './codec.ts';
import { APPLY_LUA, CLAIM_LUA, SNAPSHOT_LUA } from './lua.ts';
import { checkStoreOptions, historyLimit } from './options.ts';
import {
  SignalStoreError,
  type ApplyResult,
  type ClaimResult,
  type FeatureSnapshot,
  type SentimentState,
  type SignalStore,
  type SignalStoreOptions,
} from './types.ts';

type Arg = string | number;
/** The custom commands `defineCommand` adds to a client (and to its pipelines). */
interface StoreCommands<R> {
  himariSignalApply(...keysThenArgs: Arg[]): R;
  himariNewsClaim(...keysThenArgs: Arg[]): R;
  himariSignalSnapshot(...keysThenArgs: Arg[]): R;
}
type ScriptedRedis = Redis & StoreCommands<Promise<unknown>>;
type ScriptedPipeline = ChainableCommander & StoreCommands<ChainableCommander>;

/** Defining again on a client that has the commands is harmless: the same names and the same Lua. */
function withScripts(client: Redis): ScriptedRedis {
  client.defineCommand('himariSignalApply', { lua: APPLY_LUA, numberOfKeys: 6 });
  client.defineCommand('himariNewsClaim', { lua: CLAIM_LUA, numberOfKeys: 1 });
  client.defineCommand('himariSignalSnapshot', { lua: SNAPSHOT_LUA, numberOfKeys: 2, readOnly: true });
  return client as ScriptedRedis;
}

/**
 * @param redisUrlOrClient a URL (the store opens and, on close, quits its own client) or a client the caller owns
 *   (the store adds its script commands to it).
 * `cached_at` and the stats' `updated_ms` come from Redis's clock (TIME in the script): one clock for every replica.
 */
export function createRedisSignalStore(redisUrlOrClient: string | Redis, options: SignalStoreOptions): SignalStore {
  const opts = checkStoreOptions(options);
  const { keys } = opts;
  const owned = typeof redisUrlOrClient === 'string';
  const client = withScripts(owned ? new Redis(redisUrlOrClient) : redisUrlOrClient);

  const applyArgs = (e: EncodedSignal): Arg[] => {
    const s = e.signal;
    return [
      keys.applied(s.id),
      keys.latest(s.asset),
      keys.history(s.asset),
      keys.sentiment(s.asset),
      keys.sentimentStats(s.asset),
      keys.appliedCount,
      e.head,
      String(e.publishedMs),
      String(s.sentiment),
      opts.signalTtlS,
      opts.historyLength,
      String(opts.ewmaAlpha),
      opts.appliedTtlS,
      s.id,
      keys.updates,
      s.asset,
    ];
  };

  return {
    kind: 'redis',

    async apply(signal: TradingSignal): Promise<ApplyResult> {
      // An asset that cannot be a key is refused as such (InvalidAssetError) before the schema check.
      keys.latest(signal.asset);
      return applyReply(await client.himariSignalApply(...applyArgs(encodeSignal(signal))));
    },

    async applyMany(signals: readonly TradingSignal[]): Promise<ApplyResult[]> {
      for (const s of signals) keys.latest(s.asset);
      const encoded = signals.map(encodeSignal);
      if (encoded.length === 0) return [];
      const pipe = client.pipeline() as ScriptedPipeline;
      for (const e of encoded) pipe.himariSignalApply(...applyArgs(e));
      const replies = (await pipe.exec()) ?? [];
      return replies.map(([err, reply]) => {
        if (err) throw err;
        return applyReply(reply);
      });
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
      const kStats = keys.sentimentStats(asset);
      const [[e1, value], [e2, stats]] = ((await client.multi().get(k).hgetall(kStats).exec()) ?? []) as [
        [Error | null, string | null],
        [Error | null, Record<string, string>],
      ];
      if (e1 || e2) throw e1 ?? e2;
      const running = decodeRunning(value, k);
      if (running === null) return null;
      const state = { value: running, count: Number(stats['count'] ?? 0), updated_ms: Number(stats['updated_ms'] ?? 0) };
      if (!Number.isInteger(state.count) || !Number.isFinite(state.updated_ms)) {
        throw new SignalStoreError('corrupt_value', `${kStats} is not a stats hash {count, updated_ms}`);
      }
      return state;
    },

    async snapshot(asset: string): Promise<FeatureSnapshot> {
      const kLatest = keys.latest(asset);
      const kSentiment = keys.sentiment(asset);
      const reply = await client.himariSignalSnapshot(kLatest, kSentiment);
      if (!Array.isArray(reply) || reply.length !== 2 || !reply.every((x) => typeof x === 'string')) {
        throw new SignalStoreError('unexpected_reply', `snapshot script answered ${JSON.stringify(reply)}`);
      }
      const [json, running] = reply as [string, string];
      return { latest: json === '' ? null : decodeView(json, kLatest), running: decodeRunning(running, kSentiment) };
    },

    async claimNewsId(newsId: string, msgId: string): Promise<ClaimResult> {
      const reply = await client.himariNewsClaim(keys.ingestSeen(newsId), msgId, opts.dedupeTtlS);
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

function applyReply(reply: unknown): ApplyResult {
  if (
    !Array.isArray(reply) ||
    (reply[0] !== 0 && reply[0] !== 1) ||
    typeof reply[1] !== 'string' ||
    (reply[2] !== 0 && reply[2] !== 1) ||
    typeof reply[3] !== 'string'
  ) {
    throw new SignalStoreError('unexpected_reply', `apply script answered ${JSON.stringify(reply)}`);
  }
  return {
    applied: reply[0] === 1,
    ewma: reply[1] === '' ? 0 : Number(reply[1]),
    latest: reply[2] === 1,
    cached_at: reply[3] === '' ? null : Number(reply[3]),
  };
}
