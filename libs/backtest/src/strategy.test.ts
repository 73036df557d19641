import { describe, expect, it } from 'vitest';
import { nyWallToUtcMs, PriceTable, type PriceBar } from '@himari/outcomes';
import { weekdays } from '@himari/outcomes/testing';
import { aggregateSignals, buyAndHold, ranks, seriesMetrics, simulateLongShort, spearman, type TradePointSignals } from './strategy.ts';

const OPTS = { quantile: 0.2, minAssets: 5, costBp: 10, annualisationDays: 252 };

/** Opens follow `opens[asset][session]`; closes equal opens (so close books earn nothing). */
function table(opens: Record<string, number[]>): PriceTable {
  const n = Object.values(opens)[0]!.length;
  const dates = weekdays('2015-01-05', n);
  const bars: PriceBar[] = [];
  for (const [asset, ps] of Object.entries(opens))
    ps.forEach((p, i) => bars.push({ asset, date: dates[i]!, open: p, close: p, adjClose: p }));
  return new PriceTable(bars);
}

describe('rank statistics', () => {
  it('ranks ties at their average and computes Spearman', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
  });

  it('computes Sharpe, compounded annual return and drawdown', () => {
    const m = seriesMetrics([0.01, -0.02, 0.01], 252);
    expect(m.max_drawdown).toBeCloseTo(0.02, 12);
    expect(m.annual_return).toBeCloseTo((1.01 * 0.98 * 1.01) ** 84 - 1, 10);
    expect(m.sharpe).toBeCloseTo(0, 12);
    expect(seriesMetrics([0, 0], 252).sharpe).toBeNull();
  });
});

describe('aggregateSignals', () => {
  it('puts items on their trade point and averages an asset there (mean) or weighs by age (ewma)', () => {
    const cal = table({ A: [1, 1, 1] }).calendar;
    const d0 = cal.dates[0]!;
    const items = [
      { asset: 'A', publishedMs: nyWallToUtcMs(d0, 7 * 60), value: 1 }, // 2.5 h before the open
      { asset: 'A', publishedMs: nyWallToUtcMs(d0, 9 * 60 + 29), value: -0.5 }, // 1 min before
      { asset: 'A', publishedMs: nyWallToUtcMs(d0, 12 * 60), value: 0.2 }, // in the session: the close
    ];
    const mean = aggregateSignals(items, cal, { aggregate: 'mean', ewmaHalfLifeH: 6 });
    expect(mean.get(0)?.get('A')).toBeCloseTo(0.25, 12);
    expect(mean.get(1)?.get('A')).toBeCloseTo(0.2, 12);
    const ewma = aggregateSignals(items, cal, { aggregate: 'ewma', ewmaHalfLifeH: 1 });
    const w1 = 0.5 ** 2.5;
    const w2 = 0.5 ** (1 / 60);
    expect(ewma.get(0)?.get('A')).toBeCloseTo((w1 * 1 + w2 * -0.5) / (w1 + w2), 12);
  });
});

describe('simulateLongShort', () => {
  // Five assets; A goes up 2% and E down 2% from session 0's open to session 1's open; the rest stay flat.
  const prices = table({ A: [100, 102, 102], B: [100, 100, 100], C: [100, 100, 100], D: [100, 100, 100], E: [100, 98, 98] });
  const sig = (values: Record<string, number>, tp = 0): TradePointSignals => new Map([[tp, new Map(Object.entries(values))]]);

  it('longs the top and shorts the bottom quantile, holds one session, and pays costs on each unit traded', () => {
    const r = simulateLongShort('t', sig({ A: 0.9, B: 0.1, C: 0.2, D: -0.1, E: -0.8 }), prices, { from: 0, to: 1 }, OPTS);
    const book = r.books[0]!;
    expect(book).toMatchObject({ n: 5, long: ['A'], short: ['E'], traded: 2 });
    expect(book.gross).toBeCloseTo(0.04, 12);
    expect(book.cost).toBeCloseTo(0.002, 12);
    expect(book.ic).toBeCloseTo(spearman([0.9, 0.1, 0.2, -0.1, -0.8], [0.02, 0, 0, 0, -0.02])!, 12);
    // Half the capital is in the open book, half in the (empty) close book.
    expect(r.daily[0]).toMatchObject({ date: prices.calendar.dates[0] });
    expect(r.daily[0]!.gross).toBeCloseTo(0.02, 12);
    expect(r.daily[0]!.net).toBeCloseTo(0.02 - 0.001, 12);
    expect(r.daily[0]!.turnover).toBeCloseTo(0.5 * (2 / 4), 12);
    // The next session closes both positions: traded 2 again, no new return.
    expect(r.books[2]).toMatchObject({ n: 0, traded: 2, gross: 0 });
    expect(r.daily[1]!.net).toBeCloseTo(-0.001, 12);
    // Hit rate over the ranked signals: A up (+), E down (−) right; B, C, D flat: wrong.
    expect(r.metrics.hit_rate).toBeCloseTo(2 / 5, 12);
  });

  it('does not trade a trade point with fewer assets than minAssets, and ignores zero signals', () => {
    const r = simulateLongShort('t', sig({ A: 0.9, B: 0, C: 0.2, D: -0.1, E: -0.8 }), prices, { from: 0, to: 0 }, OPTS);
    expect(r.books[0]).toMatchObject({ n: 4, long: [], short: [], traded: 0, gross: 0 });
    expect(r.metrics.books).toBe(0);
  });

  it('an oracle signal earns, its inverse loses', () => {
    const oracle = simulateLongShort('o', sig({ A: 1, B: 0.1, C: 0.1, D: 0.1, E: -1 }), prices, { from: 0, to: 0 }, { ...OPTS, costBp: 0 });
    const inverse = simulateLongShort(
      'i',
      sig({ A: -1, B: 0.1, C: 0.1, D: 0.1, E: 1 }),
      prices,
      { from: 0, to: 0 },
      { ...OPTS, costBp: 0 },
    );
    expect(oracle.daily[0]!.net).toBeGreaterThan(0);
    expect(inverse.daily[0]!.net).toBeLessThan(0);
  });
});

describe('buyAndHold', () => {
  it('holds equal weights bought at the first close, and pays the cost once', () => {
    const prices = table({ A: [100, 110, 121], B: [100, 100, 100] });
    const r = buyAndHold(prices, { from: 0, to: 2 }, OPTS);
    expect(r.daily.map((d) => d.gross)).toEqual([expect.closeTo(0.05, 12), expect.closeTo(110.5 / 105 - 1, 12)]);
    expect(r.daily[0]!.net).toBeCloseTo(0.05 - 0.001, 12);
    expect(r.metrics.ic).toBeNull();
  });
});
