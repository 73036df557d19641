import { describe, expect, it } from 'vitest';
import { judgeProbes, PROBES, spreadOf } from './self-check.ts';

const p = (positive: number, negative: number, neutral: number) => ({ positive, negative, neutral });

describe('self-check judgement', () => {
  it('fails a model that answers every probe alike, and says why', () => {
    const same = PROBES.map(() => p(0.03, 0.02, 0.95));
    const r = judgeProbes(PROBES, same, { min_spread: 0.05, expect_direction: false });
    expect(r.passed).toBe(false);
    expect(r.spread).toBe(0);
    expect(r.problems[0]).toMatch(/barely move/);
  });

  it('passes a model whose answers move, and checks direction only when asked', () => {
    const tones = PROBES.map((q) =>
      q.tone === 'positive' ? p(0.9, 0.05, 0.05) : q.tone === 'negative' ? p(0.05, 0.9, 0.05) : p(0.1, 0.1, 0.8),
    );
    expect(judgeProbes(PROBES, tones, { min_spread: 0.05, expect_direction: true }).passed).toBe(true);
    const flipped = tones.map((x) => p(x.negative, x.positive, x.neutral));
    expect(judgeProbes(PROBES, flipped, { min_spread: 0.05, expect_direction: false }).passed).toBe(true);
    const r = judgeProbes(PROBES, flipped, { min_spread: 0.05, expect_direction: true });
    expect(r.passed).toBe(false);
    expect(r.problems.length).toBe(4);
  });

  it('spread is the largest max − min of any class', () => {
    expect(spreadOf([p(0.5, 0.2, 0.3), p(0.4, 0.2, 0.4), p(0.45, 0.3, 0.25)])).toBeCloseTo(0.15, 12);
  });
});
