import { decodeAs, Stage, Topic, TradingSignal } from '@himari/contracts';
import type { ActorDefinition, InputBinding } from '@himari/actor-runtime';
import type { PipelineDeps } from '../deps.ts';

/**
 * Writes each calibrated signal to the store (latest with TTL, history, EWMA) in one atomic, idempotent step,
 * then announces it on `signal.stored`. A redelivered signal is not applied twice but is announced again
 * (same msgId, so the bus keeps one announcement).
 */
export function cacheWriterActor(deps: PipelineDeps): ActorDefinition {
  const input: InputBinding<TradingSignal> = {
    topic: Topic.signalCalibrated,
    decode: (b) => decodeAs(TradingSignal, b),
    async handle(signal, ctx) {
      const result = await deps.store.apply(signal);
      if (!result.applied) ctx.log.debug({ id: signal.id }, 'signal already applied: not applied again');
      return { kind: 'publish', outputs: [{ topic: Topic.signalStored, message: signal, msgId: `stored:${signal.id}` }] };
    },
  };
  return { stage: Stage.cacheWriter, inputs: [input] };
}
