/**
 * Preference pairs for offline DPO / LoRA fine-tuning of the model itself: for an item whose outcome is known and
 * whose prompt was answered by several sampled chains (`llm.cot.samples` ≥ 2), the chain whose direction earned the
 * most (the sign of its P&L, the design's reward for following it) is `chosen`, the one that earned the least is
 * `rejected`. Both answered the same prompt, as DPO requires; items whose chains all earned the same give no pair.
 * The output is the common `{prompt, chosen, rejected}` JSONL layout (TRL's DPOTrainer reads it), plus provenance.
 */
import { reward } from './policy.ts';
import type { CotStore } from './store.ts';

export interface PreferencePair {
  prompt: Array<{ role: string; content: string }>;
  chosen: string;
  rejected: string;
  chosen_reward: number;
  rejected_reward: number;
  signal_id: string;
  asset: string;
  realised_return: number;
  model_version: string;
  prompt_version: string;
}

export interface PairsReport {
  pairs: PreferencePair[];
  /** Trails with an outcome. */
  withOutcome: number;
  /** Of those, trails with a single chain: no pair is possible (same prompt, one answer). */
  singleSample: number;
  /** Trails whose chains all earned the same reward. */
  tied: number;
}

export function preferencePairs(store: CotStore): PairsReport {
  const joined = store.trailsWithOutcomes();
  const pairs: PreferencePair[] = [];
  let singleSample = 0;
  let tied = 0;
  for (const { trail, realised_return } of joined) {
    if (trail.samples.length < 2) {
      singleSample++;
      continue;
    }
    const scored = trail.samples.map((s) => ({ s, r: reward(s.direction, s.direction, realised_return) }));
    scored.sort((a, b) => b.r - a.r || b.s.confidence - a.s.confidence);
    const best = scored[0]!;
    const worst = scored[scored.length - 1]!;
    if (best.r === worst.r) {
      tied++;
      continue;
    }
    pairs.push({
      prompt: trail.prompt,
      chosen: best.s.text,
      rejected: worst.s.text,
      chosen_reward: best.r,
      rejected_reward: worst.r,
      signal_id: trail.signal_id,
      asset: trail.asset,
      realised_return,
      model_version: trail.model_version,
      prompt_version: trail.prompt_version,
    });
  }
  return { pairs, withOutcome: joined.length, singleSample, tied };
}
