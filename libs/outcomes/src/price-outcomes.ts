/**
 * The outcome feed made from prices: for every asset, session and horizon, the return from the open to the open
 * `sessions` later, and from the close to the close `sessions` later. A signal joins the first window that starts
 * at or after it, so these two bases are exactly the trades of the backtest's timing rule.
 */
import type { Outcome } from '@himari/contracts';
import type { TradePointKind } from './calendar.ts';
import type { PriceTable } from './prices.ts';

export function priceOutcomeId(asset: string, point: TradePointKind, date: string, sessions: number): string {
  return `px:${asset}:${point}:${date}:${sessions}`;
}

/** Every outcome the table can produce, ordered by the time it became known (then by id, for a stable order). */
export function outcomesFromPrices(table: PriceTable, horizons: readonly number[] = [1]): Outcome[] {
  const cal = table.calendar;
  const uniq = [...new Set(horizons)].sort((a, b) => a - b);
  const out: Outcome[] = [];
  for (const asset of table.assets()) {
    for (let i = 0; i < cal.length; i++) {
      for (const h of uniq) {
        if (i + h >= cal.length) continue;
        for (const point of ['open', 'close'] as const) {
          const r = table.forwardReturn(asset, i, point, h);
          if (r === undefined) continue;
          const start = cal.at(i, point);
          const end = cal.at(i + h, point);
          out.push({
            v: 1,
            id: priceOutcomeId(asset, point, cal.dates[i]!, h),
            asset,
            horizon_s: (end - start) / 1000,
            realised_return: r,
            observed_at: end,
            sessions: h,
          });
        }
      }
    }
  }
  return out.sort((a, b) => a.observed_at - b.observed_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** When the outcome's window opened. */
export function outcomeStartMs(o: Pick<Outcome, 'observed_at' | 'horizon_s'>): number {
  return Math.round(o.observed_at - o.horizon_s * 1000);
}
