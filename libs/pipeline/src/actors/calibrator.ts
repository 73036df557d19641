import { decodeAs, DraftSignal, Outcome, Stage, Topic, type TradingSignal } from '@himari/contracts';
import type { ActorDefinition, InputBinding } from '@himari/actor-runtime';
import { Calibrator } from '@himari/calibration';
import type { PipelineDeps } from '../deps.ts';

/** Signals remembered for joining outcomes; older ones are forgotten (the durable ledger comes with the J4 issue). */
const MAX_REMEMBERED = 100_000;

interface Remembered {
  key: string;
  raw: number;
  direction: number;
}

export function calibrationKey(s: Pick<DraftSignal, 'provenance' | 'source' | 'event_type'>): string {
  return `${s.provenance.model}|${s.provenance.sentiment_model}|${s.source}|${s.event_type}`;
}

/**
 * J4: maps raw confidence to calibrated confidence per (model, source, event category). Until a map is fitted
 * the confidence passes through and the signal says `calibrated: false`.
 */
export function calibratorActor(deps: PipelineDeps): ActorDefinition {
  const calibrator = new Calibrator({
    method: deps.config.calibration.method,
    minSamples: deps.config.calibration.min_samples,
    refitEvery: deps.config.calibration.refit_every,
  });
  const remembered = new Map<string, Remembered>();

  const drafted: InputBinding<DraftSignal> = {
    topic: Topic.signalDrafted,
    decode: (b) => decodeAs(DraftSignal, b),
    async handle(draft, ctx) {
      const key = calibrationKey(draft);
      const { confidence, calibration } = calibrator.calibrate(key, draft.confidence_raw);
      remember(remembered, draft.id, { key, raw: draft.confidence_raw, direction: draft.direction });
      const now = ctx.now();
      const { confidence_raw: _raw, ...rest } = draft;
      const signal: TradingSignal = { ...rest, confidence, calibration, timestamp: now, latency_ms: Math.max(0, now - draft.received_at) };
      return { kind: 'publish', outputs: [{ topic: Topic.signalCalibrated, message: signal, msgId: `calibrated:${draft.id}` }] };
    },
  };

  const outcomes: InputBinding<Outcome> = {
    topic: Topic.outcome,
    decode: (b) => decodeAs(Outcome, b),
    async handle(outcome, ctx) {
      const known = outcome.signal_id ? remembered.get(outcome.signal_id) : undefined;
      if (!known) {
        ctx.log.debug({ outcome: outcome.id }, 'outcome for an unknown or forgotten signal: not used');
        return { kind: 'done' };
      }
      if (known.direction !== 0) {
        const correct = Math.sign(outcome.realised_return) === known.direction ? 1 : 0;
        calibrator.observe(known.key, known.raw, correct);
      }
      return { kind: 'done' };
    },
  };

  return { stage: Stage.calibrator, inputs: [drafted, outcomes] };
}

function remember(map: Map<string, Remembered>, id: string, value: Remembered): void {
  map.set(id, value);
  if (map.size > MAX_REMEMBERED) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}
