import { decodeAs, Stage, Topic, TradingSignal } from '@himari/contracts';
import type { ActorDefinition, InputBinding } from '@himari/actor-runtime';
import type { PipelineDeps } from '../deps.ts';
import { GuardFlag, guardSignal } from './signal-guards.ts';

/**
 * Guards each calibrated signal (injection cap, stale news: signal-guards.ts), writes it to the store (latest with
 * TTL, history, EWMA) in one atomic, idempotent step, then announces it on `signal.stored`. A redelivered or replayed
 * signal (same id, same bus prefix, within `redis.applied_ttl_s`) is not applied twice; its announcement says so
 * with the flag `already_applied`, because Redis still holds the earlier write, not this one.
 */
export function cacheWriterActor(deps: PipelineDeps): ActorDefinition {
  const input: InputBinding<TradingSignal> = {
    topic: Topic.signalCalibrated,
    decode: (b) => decodeAs(TradingSignal, b),
    async handle(incoming, ctx) {
      const guarded = guardSignal(incoming, ctx.now(), deps.config.signals);
      if (guarded.kind === 'reject') return { kind: 'reject', code: guarded.code, reason: guarded.reason, newsId: incoming.id };
      const signal = guarded.signal;
      const result = await deps.store.apply(signal);
      let announced = signal;
      if (!result.applied) {
        ctx.log.info(
          { id: signal.id, asset: signal.asset, bus_prefix: deps.names.prefix },
          'signal already applied under this bus prefix: Redis keeps the earlier write',
        );
        announced = { ...signal, flags: [...signal.flags, GuardFlag.alreadyApplied] };
      }
      return { kind: 'publish', outputs: [{ topic: Topic.signalStored, message: announced, msgId: `stored:${signal.id}` }] };
    },
  };
  return { stage: Stage.cacheWriter, inputs: [input] };
}
