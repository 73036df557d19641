/** Builders for J4 tests: drafts, weekday calendars and seeded price bars. */
import { DraftSignal } from '@himari/contracts';
import { draftFromUpstream } from '@himari/drafting';
import { makeScoredNews } from '@himari/drafting/testing';
import { seededRandom } from '@himari/calibration/testing';
import type { PriceBar } from './prices.ts';

/** A valid DraftSignal (an AAPL earnings beat, BUY) with fields replaced; validated, so a bad override fails here. */
export function makeDraft(o: Partial<DraftSignal> = {}): DraftSignal {
  const base = draftFromUpstream(makeScoredNews(), 'opt-actor', 1_735_830_000_100);
  return DraftSignal.parse({ ...base, ...o });
}

/** `n` consecutive weekdays from `start` (no holidays: tests build their own sessions). */
export function weekdays(start: string, n: number): string[] {
  const out: string[] = [];
  const d = new Date(`${start}T00:00:00Z`);
  while (out.length < n) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** A random walk per asset: opens and closes around 100 with ~1% daily moves; adjusted = raw. */
export function randomBars(assets: readonly string[], dates: readonly string[], seed = 1): PriceBar[] {
  const rnd = seededRandom(seed);
  const bars: PriceBar[] = [];
  for (const asset of assets) {
    let p = 100;
    for (const date of dates) {
      const open = p * (1 + (rnd() - 0.5) * 0.01);
      const close = open * (1 + (rnd() - 0.5) * 0.02);
      p = close;
      bars.push({ asset, date, open, close, adjClose: close });
    }
  }
  return bars;
}
