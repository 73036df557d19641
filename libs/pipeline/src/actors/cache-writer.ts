import { decodeAs, Stage, Topic, TradingSignal } from '@himari/contracts';
import {
  errorCode,
  isRetryable,
  type ActorDefinition,
  type HandleContext,
  type HandlerOutcome,
  type InputBinding,
} from '@himari/actor-runtime';
import type { PipelineDeps } from '../deps.ts';
import { GuardFlag, guardSignal } from './signal-guards.ts';

/**
 * Guards each calibrated signal (injection cap, stale news: signal-guards.ts), writes it to the store (latest with
 * TTL, history, EWMA) in one atomic, idempotent step, then announces it on `signal.stored`. A redelivered or replayed
 * signal (same id, same bus prefix, within `redis.applied_ttl_s`) is not applied twice; its announcement says so
 * with the flag `already_applied`, because Redis still holds the earlier write, not this one.
 */
export function cacheWriterActor(deps: PipelineDeps): ActorDefinition {
  const announce = (signal: TradingSignal, applied: boolean, ctx: HandleContext): HandlerOutcome => {
    let announced = signal;
    if (!applied) {
      ctx.log.info(
        { id: signal.id, asset: signal.asset, bus_prefix: deps.names.prefix },
        'signal already applied under this bus prefix: Redis keeps the earlier write',
      );
      announced = { ...signal, flags: [...signal.flags, GuardFlag.alreadyApplied] };
    }
    return { kind: 'publish', outputs: [{ topic: Topic.signalStored, message: announced, msgId: `stored:${signal.id}` }] };
  };
  const input: InputBinding<TradingSignal> = {
    topic: Topic.signalCalibrated,
    decode: (b) => decodeAs(TradingSignal, b),
    async handle(incoming, ctx) {
      const guarded = guardSignal(incoming, ctx.now(), deps.config.signals);
      if (guarded.kind === 'reject') return { kind: 'reject', code: guarded.code, reason: guarded.reason, newsId: incoming.id };
      const result = await deps.store.apply(guarded.signal);
      return announce(guarded.signal, result.applied, ctx);
    },
    // A pulled batch goes to Redis in one round trip (applyMany: still one atomic, idempotent step per signal).
    async handleBatch(items, ctxs) {
      const guarded = items.map((s, i) => guardSignal(s, ctxs[i]!.now(), deps.config.signals));
      const passed = guarded.flatMap((g, i) => (g.kind === 'reject' ? [] : [{ i, signal: g.signal }]));
      let applied: boolean[];
      try {
        applied = (await deps.store.applyMany(passed.map((p) => p.signal))).map((r) => r.applied);
      } catch (err) {
        // One signal the store refuses fails the whole call and writes nothing: apply one by one, so that only it
        // is dead-lettered. A retryable failure (Redis down) retries the batch.
        if (isRetryable(err)) throw err;
        return Promise.all(items.map((s, i) => perItem(s, ctxs[i]!)));
      }
      const out: HandlerOutcome[] = guarded.map((g, i) =>
        g.kind === 'reject' ? { kind: 'reject', code: g.code, reason: g.reason, newsId: items[i]!.id } : { kind: 'done' },
      );
      passed.forEach((p, n) => (out[p.i] = announce(p.signal, applied[n]!, ctxs[p.i]!)));
      return out;
    },
  };
  const perItem = async (s: TradingSignal, ctx: HandleContext): Promise<HandlerOutcome> => {
    try {
      return await input.handle(s, ctx);
    } catch (err) {
      if (isRetryable(err)) throw err;
      return { kind: 'reject', code: errorCode(err), reason: err instanceof Error ? err.message : String(err), newsId: s.id };
    }
  };
  return { stage: Stage.cacheWriter, inputs: [input] };
}
