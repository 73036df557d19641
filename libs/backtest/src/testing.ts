/**
 * A small synthetic market for backtest tests: seeded prices for a few assets and news whose tone predicts the next
 * open-to-open move (or not), all published before the open so that every item trades at the open.
 */
import { nyWallToUtcMs, type PriceBar } from '@himari/outcomes';
import { weekdays } from '@himari/outcomes/testing';
import { randomSignals } from './baselines.ts';

export interface SyntheticNews {
  id: string;
  text: string;
  asset: string;
  source: string;
  kind: 'news';
  published_at: string;
}

export interface SyntheticMarket {
  dates: string[];
  assets: string[];
  bars: PriceBar[];
  news: SyntheticNews[];
}

export interface SyntheticOptions {
  assets?: number;
  sessions?: number;
  seed?: number;
  /** Chance that an asset has news before a given open. @default 0.6 */
  newsRate?: number;
  /** The news tone sets the sign of the next open-to-open move (±1%); otherwise moves are independent of it. @default true */
  predictive?: boolean;
}

export const GOOD = [
  'surges after record quarterly earnings beat, strong growth and raised guidance',
  'jumps as profit soars and the company raises its outlook',
  'rallies on strong demand and a record order backlog',
];
export const BAD = [
  'plunges after a profit warning, weak sales and a lawsuit',
  'tumbles as losses widen and guidance is cut',
  'falls sharply on fraud charges and a downgrade',
];

/** Price bars and pre-open news; deterministic for a seed. */
export function syntheticMarket(o: SyntheticOptions = {}): SyntheticMarket {
  const nAssets = o.assets ?? 10;
  const dates = weekdays('2015-01-05', o.sessions ?? 40);
  const assets = Array.from({ length: nAssets }, (_, i) => `SYN${String(i).padStart(2, '0')}`);
  const u = randomSignals(o.seed ?? 7); // uniform(−1, 1)
  const rate = o.newsRate ?? 0.6;
  const bars: PriceBar[] = [];
  const news: SyntheticNews[] = [];
  for (const asset of assets) {
    let open = 100;
    dates.forEach((date) => {
      let tone = 0;
      if ((u() + 1) / 2 < rate) {
        tone = u() > 0 ? 1 : -1;
        const phrases = tone > 0 ? GOOD : BAD;
        const text = `${asset} ${phrases[Math.floor(((u() + 1) / 2) * phrases.length) % phrases.length]}`;
        // 08:00 New York time: before the open, so the item trades at this session's open.
        const at = nyWallToUtcMs(date, 8 * 60 + Math.floor(((u() + 1) / 2) * 60));
        news.push({ id: `${asset}-${date}`, text, asset, source: 'synthetic', kind: 'news', published_at: new Date(at).toISOString() });
      }
      const noise = 0.004 * u();
      const move = o.predictive === false ? 0.01 * u() : 0.01 * tone + noise;
      const close = open * (1 + 0.003 * u());
      bars.push({ asset, date, open, close, adjClose: close });
      open = open * (1 + move);
    });
  }
  news.sort((a, b) => (a.published_at < b.published_at ? -1 : a.published_at > b.published_at ? 1 : a.id < b.id ? -1 : 1));
  return { dates, assets, bars, news };
}

/** Yahoo-style CSV of one asset's bars (what `--prices DIR` reads). */
export function yahooCsv(bars: readonly PriceBar[]): string {
  return (
    [
      'Date,Open,High,Low,Close,Adj Close,Volume',
      ...bars.map((b) => `${b.date},${b.open},${Math.max(b.open, b.close)},${Math.min(b.open, b.close)},${b.close},${b.adjClose},1000`),
    ].join('\n') + '\n'
  );
}

/** Stand-ins for the Loughran-McDonald files (the real lists are not shipped): enough words to pass the loader's check. */
export function fakeLmLists(): { positive: string; negative: string } {
  const filler = (p: string): string[] =>
    Array.from({ length: 60 }, (_, i) => `${p}${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))}`);
  return {
    positive: ['STRONG', 'RECORD', 'GROWTH', 'GAIN', ...filler('ZZPOS')].join('\n'),
    negative: ['WEAK', 'LOSSES', 'FRAUD', 'LAWSUIT', 'WARNING', ...filler('ZZNEG')].join('\n'),
  };
}
