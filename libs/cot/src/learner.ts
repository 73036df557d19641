/**
 * Live RLMF in the cot-actor: outcomes (from `himari.v1.outcome`, on the cot-actor's own durable) are joined to the
 * chains that caused them, become experiences in the bounded, persisted buffer, and every `update_every` new
 * experiences an `rlmf_update` runs over the buffer and the new policy is saved.
 */
import type { Outcome } from '@himari/contracts';
import type { Action, Experience, PolicyState, UpdateReport } from './policy.ts';
import { initialPolicy, rlmfUpdate } from './policy.ts';
import type { AuditTrail, CotStore } from './store.ts';

export interface RlmfSettings {
  enabled: boolean;
  bufferSize: number;
  updateEvery: number;
  epochs: number;
  learningRate: number;
  policyWeight: number;
  minExperiences: number;
  seed: number;
}

export type ObserveResult = 'joined' | 'duplicate' | 'unknown_signal' | 'disabled';

/** Longest gap between a signal and the start of an outcome's window that still joins them (no signal id given). */
const MIN_JOIN_TOLERANCE_MS = 60_000;

export class RlmfLearner {
  private state: PolicyState;
  private sinceUpdate = 0;

  constructor(
    private readonly store: CotStore,
    readonly settings: RlmfSettings,
    private readonly clock: () => number = Date.now,
    private readonly onUpdate?: (report: UpdateReport, state: PolicyState) => void,
  ) {
    this.state = store.loadPolicy() ?? initialPolicy();
  }

  get current(): PolicyState {
    return this.state;
  }

  /** The policy that weighs decisions, or null while it is disabled or has seen too little. */
  activePolicy(): PolicyState | null {
    if (!this.settings.enabled || this.settings.policyWeight === 0) return null;
    return this.store.experienceCount() >= this.settings.minExperiences && this.state.updates > 0 ? this.state : null;
  }

  /** Joins an outcome to its chain (by signal id, else by asset and time) and records the experience. */
  observe(outcome: Outcome): ObserveResult {
    if (!this.settings.enabled) return 'disabled';
    const trail = this.join(outcome);
    if (trail === null) return 'unknown_signal';
    const experience: Experience = {
      signal_id: trail.signal_id,
      asset: trail.asset,
      at: trail.created_ms,
      input: { signalDirection: trail.model_direction, signalConfidence: trail.model_confidence, factors: trail.factors },
      realised_return: outcome.realised_return,
      ...(outcome.action !== undefined ? { action: outcome.action as Action } : {}),
    };
    if (!this.store.addExperience(experience, this.settings.bufferSize)) return 'duplicate';
    if (++this.sinceUpdate >= this.settings.updateEvery) this.update();
    return 'joined';
  }

  /** `rlmf_update` over the whole buffer; saves the new policy. */
  update(): UpdateReport {
    const experiences = this.store.experiences();
    const { state, report } = rlmfUpdate(this.state, experiences, {
      learningRate: this.settings.learningRate,
      epochs: this.settings.epochs,
      seed: this.settings.seed,
    });
    this.state = state;
    this.sinceUpdate = 0;
    this.store.savePolicy(state, this.clock());
    this.onUpdate?.(report, state);
    return report;
  }

  private join(o: Outcome): AuditTrail | null {
    if (o.signal_id !== undefined) return this.store.trail(o.signal_id);
    const start = o.observed_at - o.horizon_s * 1000;
    return this.store.trailNear(o.asset, start, Math.max(MIN_JOIN_TOLERANCE_MS, (o.horizon_s * 1000) / 2));
  }
}
