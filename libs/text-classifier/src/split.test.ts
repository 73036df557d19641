import { describe, expect, it } from 'vitest';
import { kFoldAssignment, splitRows } from './split.ts';

const LABELS = ['negative', 'neutral', 'positive'] as const;
type Label = (typeof LABELS)[number];

function rows(n: Record<Label, number>): { text: string; label: Label }[] {
  return (Object.entries(n) as [Label, number][]).flatMap(([label, k]) =>
    Array.from({ length: k }, (_, i) => ({ text: `${label} ${i}`, label })),
  );
}

describe('splitRows', () => {
  const data = rows({ negative: 20, neutral: 60, positive: 40 });

  it('is stratified and reproducible for a seed, and covers every row exactly once', () => {
    const a = splitRows(data, { seed: 7, validFraction: 0.25, labels: LABELS });
    const b = splitRows(data, { seed: 7, validFraction: 0.25, labels: LABELS });
    expect(a).toEqual(b);
    const count = (xs: { label: Label }[], l: Label) => xs.filter((r) => r.label === l).length;
    expect([count(a.valid, 'negative'), count(a.valid, 'neutral'), count(a.valid, 'positive')]).toEqual([5, 15, 10]);
    expect(new Set([...a.train, ...a.valid].map((r) => r.text)).size).toBe(data.length);
    expect(a.train.length + a.valid.length).toBe(data.length);
  });

  it('changes with the seed', () => {
    const a = splitRows(data, { seed: 1, validFraction: 0.25, labels: LABELS });
    const b = splitRows(data, { seed: 2, validFraction: 0.25, labels: LABELS });
    expect(a.valid.map((r) => r.text)).not.toEqual(b.valid.map((r) => r.text));
  });

  it('keeps duplicate texts (case/whitespace folded) on one side', () => {
    const dup = [...data, { text: 'NEUTRAL  0', label: 'neutral' as const }, { text: 'positive 3', label: 'positive' as const }];
    for (let seed = 0; seed < 20; seed++) {
      const { train, valid } = splitRows(dup, { seed, validFraction: 0.3, labels: LABELS });
      const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ');
      const tr = new Set(train.map((r) => norm(r.text)));
      expect(valid.filter((r) => tr.has(norm(r.text)))).toEqual([]);
    }
  });

  it('with fraction 0 keeps everything for training', () => {
    expect(splitRows(data, { seed: 1, validFraction: 0, labels: LABELS }).valid).toEqual([]);
    expect(() => splitRows(data, { seed: 1, validFraction: 1, labels: LABELS })).toThrow(RangeError);
  });
});

describe('splitRows with another label list', () => {
  const topics = ['x', 'y', 'z', 'w'].flatMap((label, k) =>
    Array.from({ length: 10 * (k + 1) }, (_, i) => ({ text: `${label} ${i}`, label })),
  );

  it('stratifies by the given labels and refuses rows outside them', () => {
    const { valid } = splitRows(topics, { seed: 5, validFraction: 0.2, labels: ['x', 'y', 'z', 'w'] });
    expect(['x', 'y', 'z', 'w'].map((l) => valid.filter((r) => r.label === l).length)).toEqual([2, 4, 6, 8]);
    expect(() => splitRows(topics, { seed: 5, validFraction: 0.2, labels: ['x', 'y'] })).toThrow(RangeError);
  });

  it('depends on the order of the labels: the seeded stream visits the strata in that order', () => {
    const data = rows({ negative: 20, neutral: 60, positive: 40 });
    const a = splitRows(data, { seed: 9, validFraction: 0.3, labels: LABELS });
    const b = splitRows(data, { seed: 9, validFraction: 0.3, labels: ['positive', 'neutral', 'negative'] });
    expect(a.valid.map((r) => r.text)).not.toEqual(b.valid.map((r) => r.text));
  });
});

describe('kFoldAssignment', () => {
  it('assigns balanced folds deterministically', () => {
    const data = rows({ negative: 10, neutral: 10, positive: 10 });
    const f = kFoldAssignment(data, { seed: 3, folds: 5, labels: LABELS });
    expect(f).toEqual(kFoldAssignment(data, { seed: 3, folds: 5, labels: LABELS }));
    const sizes = [0, 1, 2, 3, 4].map((k) => f.filter((x) => x === k).length);
    expect(sizes).toEqual([6, 6, 6, 6, 6]);
  });
});
