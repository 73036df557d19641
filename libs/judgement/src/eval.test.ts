import { describe, expect, it } from 'vitest';
import { agreementWith, cohenKappa, directionMetrics, evaluateMethod, parseHeadlineSet, HeadlineSetError } from './eval.ts';

describe('headline evaluation', () => {
  it("computes Cohen's kappa as hand-worked", () => {
    // 10 items; agreement on 7: p_o = 0.7. Labeller A: SELL 4, HOLD 2, BUY 4; B: SELL 3, HOLD 3, BUY 4.
    // p_e = 0.4*0.3 + 0.2*0.3 + 0.4*0.4 = 0.12 + 0.06 + 0.16 = 0.34; kappa = (0.7 - 0.34) / 0.66 = 0.545454...
    const a = [-1, -1, -1, -1, 0, 0, 1, 1, 1, 1] as const;
    const b = [-1, -1, -1, 0, 0, 1, 1, 1, 1, 0] as const;
    expect(cohenKappa(a, b)).toBeCloseTo(0.36 / 0.66, 10);
    expect(cohenKappa(a, a)).toBe(1);
  });

  it('computes accuracy, per-class figures and the confusion matrix', () => {
    const m = directionMetrics([-1, -1, 0, 1, 1, 1], [-1, 0, 0, 1, 1, -1]);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    expect(m.confusion).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 2],
    ]);
    expect(m.perClass.SELL).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(m.perClass.HOLD.precision).toBeCloseTo(0.5, 12);
    expect(m.perClass.BUY).toEqual({ precision: 1, recall: 2 / 3, f1: 0.8, support: 3 });
  });

  it('reads the set, refuses bad lines, and reports per split and agreement', () => {
    const items = parseHeadlineSet(
      [
        '{"id":"a","headline":"X beats estimates","asset":"X","label":1,"split":"dev"}',
        '{"id":"b","headline":"X misses estimates","asset":"X","label":-1,"split":"test"}',
      ].join('\n'),
    );
    const r = evaluateMethod(items, 'always BUY', 'BUY', () => 1);
    expect(r.bySplit.dev.accuracy).toBe(1);
    expect(r.bySplit.test.accuracy).toBe(0);
    expect(r.bySplit.all.accuracy).toBe(0.5);
    const ag = agreementWith(items, new Map([['a', 1]]));
    expect(ag).toMatchObject({ n: 1, missing: 1, disagreements: [] });
    expect(() => parseHeadlineSet('{"id":"a","headline":"h","asset":"X","label":2,"split":"dev"}')).toThrow(HeadlineSetError);
    expect(() => parseHeadlineSet('{"id":"a","headline":"h","asset":"X","label":1,"split":"train"}')).toThrow(/split/);
  });
});
