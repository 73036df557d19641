import { decodeAs, DraftSignal, Outcome, Stage, Topic, type TradingSignal } from '@himari/contracts';
import type { ActorDefinition, InputBinding } from '@himari/actor-runtime';
import { calibrationServiceFrom, openLedger, type CalibrationService } from '@himari/outcomes';
import type { PipelineDeps } from '../deps.ts';

/**
 * J4: maps raw confidence to calibrated confidence per (model, source, event category), and keeps the ledger of
 * signals and outcomes. Until a key has a fitted map its confidence passes through and the signal says
 * `calibrated: false`; the raw value always travels in `calibration.raw_confidence`.
 *
 * The state is restored from the ledger before the first message is handled (the definition is built before the
 * consumers start), so a restart resumes with the same maps and the same refit schedule.
 */
export function calibratorActor(deps: PipelineDeps): ActorDefinition {
  const c = deps.config.calibration;
  let service: CalibrationService;
  let owned = false;
  if (deps.calibration) {
    service = deps.calibration;
  } else {
    const ledger = openLedger(c);
    if (ledger.inMemory) deps.log.warn('calibration.ledger_path is not set: the J4 ledger is in memory and its history is lost on restart');
    service = calibrationServiceFrom(c, ledger, deps.log.child({ component: 'calibration' }));
    service.restore();
    owned = true;
  }

  const drafted: InputBinding<DraftSignal> = {
    topic: Topic.signalDrafted,
    decode: (b) => decodeAs(DraftSignal, b),
    async handle(draft, ctx) {
      const { confidence, calibration } = service.calibrate(draft);
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
      const r = service.observeOutcome(outcome);
      if (!r.inserted) ctx.log.debug({ outcome: outcome.id }, 'outcome already in the ledger');
      return { kind: 'done' };
    },
  };

  return {
    stage: Stage.calibrator,
    inputs: [drafted, outcomes],
    async start() {
      if (!owned) return;
      return async () => {
        await service.whenIdle();
        service.close();
        service.ledger.close();
      };
    },
  };
}
