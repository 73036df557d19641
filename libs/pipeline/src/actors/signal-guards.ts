import type { Config } from '@himari/config';
import type { TradingSignal } from '@himari/contracts';

/** Flags the cache writer's guards add; stable values, read by the decision loop and by `himari run`'s summary. */
export const GuardFlag = {
  /** Published longer ago than `signals.stale_news.max_age_s` when it was written: confidence decayed. */
  staleNews: 'stale_news',
  /** Flagged `possible_prompt_injection` upstream: confidence capped at `signals.injection_confidence_cap`. */
  injectionCapped: 'injection_capped',
  /** On the stored announcement only: this id was applied before under this bus prefix; Redis kept that write. */
  alreadyApplied: 'already_applied',
} as const;

export type GuardOutcome = { kind: 'write'; signal: TradingSignal } | { kind: 'reject'; code: 'stale_news'; reason: string };

/**
 * The last word before Redis, whatever scorer (lexicon, trained, ONNX, LLM) drafted the signal:
 * - every item flagged `possible_prompt_injection` has its confidence capped (the LLM path capped only its own);
 * - news published longer ago than the allowed age is decayed (confidence halves per `half_life_s` beyond
 *   `max_age_s`) and flagged, or rejected, by `signals.stale_news.policy`, so that a replay of old news never
 *   looks fresh to the decision loop, which ages signals from the time they were cached.
 * `calibration.raw_confidence` keeps the confidence as calibrated.
 */
export function guardSignal(signal: TradingSignal, nowMs: number, cfg: Config['signals']): GuardOutcome {
  let confidence = signal.confidence;
  const flags = [...signal.flags];
  if (flags.includes('possible_prompt_injection') && confidence > cfg.injection_confidence_cap) {
    confidence = cfg.injection_confidence_cap;
    flags.push(GuardFlag.injectionCapped);
  }
  const stale = cfg.stale_news;
  const publishedMs = Date.parse(signal.published_at);
  const ageS = (nowMs - publishedMs) / 1000;
  if (stale.policy !== 'off' && Number.isFinite(ageS) && ageS > stale.max_age_s) {
    if (stale.policy === 'reject') {
      return {
        kind: 'reject',
        code: 'stale_news',
        reason: `published ${signal.published_at}, ${Math.round(ageS)} s ago: older than signals.stale_news.max_age_s ${stale.max_age_s} s`,
      };
    }
    confidence *= 0.5 ** ((ageS - stale.max_age_s) / stale.half_life_s);
    flags.push(GuardFlag.staleNews);
  }
  if (confidence === signal.confidence && flags.length === signal.flags.length) return { kind: 'write', signal };
  return { kind: 'write', signal: { ...signal, confidence, flags } };
}
