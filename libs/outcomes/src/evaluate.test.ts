import { describe, expect, it } from 'vitest';
import { overconfident } from '@himari/calibration/testing';
import { evaluateHoldout, NotEnoughOutcomesError } from './evaluate.ts';
import type { LabelRecord } from './ledger.ts';

const DAY = 86_400_000;
const OPTS = { method: 'isotonic' as const, minSamples: 100, maxSamplesPerKey: 10_000, holdoutFraction: 0.3, bins: 15 };

function labels(n: number, seed: number, key = 'k', stepMs = 60_000): LabelRecord[] {
  const { conf, correct } = overconfident(n, seed);
  return conf.map((c, i) => ({
    seq: i + 1,
    signal_id: `${key}-${i}`,
    outcome_id: `o-${i}`,
    cal_key: key,
    direction: 1,
    raw_confidence: c,
    served_confidence: c,
    calibrated: false,
    map_version: 'identity',
    correct: correct[i]!,
    realised_return: correct[i] ? 0.01 : -0.01,
    published_ms: i * stepMs,
    observed_ms: i * stepMs + DAY,
    learnt: true,
  }));
}

describe('evaluateHoldout', () => {
  it('splits by time, embargoes fit labels whose outcome came after the split, and measures only the held-out part', () => {
    const ls = labels(10_000, 1);
    const r = evaluateHoldout(ls, OPTS);
    expect(r.n_eval).toBe(3000);
    expect(r.split_at).toBe(new Date(7000 * 60_000).toISOString());
    // Labels published less than a day before the split were not yet resolved at the split: 1439 minutes of them.
    expect(r.n_embargoed).toBe(1439);
    expect(r.n_fit).toBe(7000 - 1439);
    expect(r.n_eval_calibrated).toBe(3000);
    expect(r.ece_raw).toBeGreaterThan(0.1);
    expect(r.ece_calibrated).toBeLessThan(0.03);
    expect(r.ece_calibrated).toBeLessThan(r.ece_raw / 2);
    expect(r.reliability_raw.reduce((a, b) => a + b.count, 0)).toBe(3000);
    expect(r.served?.n).toBe(10_000);
  });

  it('leaves a key with too few fit labels uncalibrated, as it would be live', () => {
    const ls = [...labels(2000, 2, 'big', 3_600_000), ...labels(50, 3, 'small', 3_600_000)].sort((a, b) => a.published_ms - b.published_ms);
    const r = evaluateHoldout(ls, OPTS);
    const small = r.keys.find((k) => k.key === 'small')!;
    expect(small.fitted).toBe(false);
    expect(small.ece_calibrated).toBe(small.ece_raw);
    expect(r.keys.find((k) => k.key === 'big')!.fitted).toBe(true);
  });

  it('reports Brier, resolution and AUC, and names a collapse to the base rate that ECE cannot see', () => {
    const informative = evaluateHoldout(labels(10_000, 6), OPTS);
    expect(informative.summary_raw.brier).toBeGreaterThan(informative.summary_calibrated.brier);
    expect(informative.summary_calibrated.auc).toBeGreaterThan(0.6);
    expect(informative.summary_calibrated.collapsed).toBe(false);
    // Confidence with no link to the outcome: Platt maps it to about the hit rate, ECE is small, and the report says
    // that the confidence carries no information.
    const noise = labels(10_000, 7).map((l, i): LabelRecord => ({
      ...l,
      raw_confidence: 0.5 + ((i * 7919) % 100) / 1000,
      correct: (i * 104729) % 7 < 4 ? 1 : 0,
    }));
    const flat = evaluateHoldout(noise, { ...OPTS, method: 'platt' });
    expect(flat.ece_calibrated).toBeLessThan(0.05);
    expect(flat.summary_calibrated.collapsed).toBe(true);
    expect(flat.summary_calibrated.verdict).toMatch(/collapsed confidence to the base rate/);
  });

  it('ignores HOLDs and refuses to report without data on both sides', () => {
    const holds = labels(10, 4).map((l) => ({ ...l, correct: null, direction: 0 }));
    expect(() => evaluateHoldout(holds, OPTS)).toThrow(NotEnoughOutcomesError);
    expect(() => evaluateHoldout(labels(1, 5), OPTS)).toThrow(NotEnoughOutcomesError);
  });
});
