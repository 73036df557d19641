/**
 * The trading recipe of Kirtac & Germano (2024), point-in-time:
 *
 * - Each item trades at its trade point (the first open or close not before it; see `SessionCalendar`). Items of one
 *   asset at one trade point are combined into one signal: the mean of their values, or an EWMA by age.
 * - Every trade point forms a book from the assets with a non-zero signal there (at least `minAssets`): long the top
 *   `quantile` and short the bottom `quantile` (k = max(1, ⌊q·n⌋) each side, equal weights ±1/k; ties broken by
 *   symbol), held one session: to the next open for an open book, the next close for a close book. A book only ranks
 *   assets whose news was public at its trade point; the open and close books never see each other's news.
 * - Capital is split evenly between the open and the close book of each day: the day's return is
 *   ½·(open book) + ½·(close book); an empty book holds cash.
 * - Costs: `costBp` on every unit of notional traded, buys and sells alike (a round trip pays twice). A book is
 *   rebalanced against the same kind of book one session earlier, so an asset that stays long pays nothing.
 * - Turnover: per book ½Σ|Δw| / 2 (one-way notional traded over the book's gross of 2), averaged over the day's two
 *   books: 1 means both books were replaced entirely.
 */
import type { PriceTable, SessionCalendar, TradePointKind } from '@himari/outcomes';

export interface ItemSignal {
  asset: string;
  publishedMs: number;
  value: number;
}

export interface AggregateOptions {
  aggregate: 'mean' | 'ewma';
  ewmaHalfLifeH: number;
}

/** Trade-point index (2·session, +1 for the close) → asset → signal. */
export type TradePointSignals = Map<number, Map<string, number>>;

export function aggregateSignals(items: readonly ItemSignal[], calendar: SessionCalendar, opts: AggregateOptions): TradePointSignals {
  const acc = new Map<number, Map<string, { sw: number; swv: number }>>();
  const halfLifeMs = opts.ewmaHalfLifeH * 3600_000;
  for (const it of items) {
    const tp = calendar.tradePointOf(it.publishedMs);
    if (!tp || !Number.isFinite(it.value)) continue;
    const idx = 2 * tp.session + (tp.point === 'close' ? 1 : 0);
    const w = opts.aggregate === 'ewma' ? 0.5 ** ((tp.at - it.publishedMs) / halfLifeMs) : 1;
    let byAsset = acc.get(idx);
    if (!byAsset) acc.set(idx, (byAsset = new Map()));
    const a = byAsset.get(it.asset) ?? { sw: 0, swv: 0 };
    a.sw += w;
    a.swv += w * it.value;
    byAsset.set(it.asset, a);
  }
  const out: TradePointSignals = new Map();
  for (const [idx, byAsset] of acc) {
    out.set(idx, new Map([...byAsset].map(([asset, a]) => [asset, a.sw > 0 ? a.swv / a.sw : 0])));
  }
  return out;
}

export interface StrategyOptions {
  quantile: number;
  minAssets: number;
  costBp: number;
  annualisationDays: number;
}

export interface SessionRange {
  from: number;
  to: number;
}

export interface BookRecord {
  tp: number;
  session: number;
  point: TradePointKind;
  /** Assets ranked (non-zero signal and a known forward return). */
  n: number;
  long: string[];
  short: string[];
  gross: number;
  cost: number;
  traded: number;
  ic: number | null;
}

export interface DailyRecord {
  date: string;
  gross: number;
  net: number;
  turnover: number;
  /** Notional traded that day as a fraction of capital: costs are `traded × cost`. */
  traded: number;
}

export interface SeriesMetrics {
  annual_return: number;
  volatility: number;
  sharpe: number | null;
  max_drawdown: number;
}

export interface StrategyMetrics {
  sharpe_net: number | null;
  sharpe_gross: number | null;
  /** Mean cross-sectional Spearman IC of signal vs. forward return over the books. */
  ic: number | null;
  /** t-statistic of the mean IC (mean / (sd / √n)). */
  ic_t: number | null;
  ic_n: number;
  /** Share of ranked asset signals whose sign matched the sign of the forward return. */
  hit_rate: number | null;
  hit_n: number;
  /** Spearman of signal vs. forward return over every ranked asset signal at once (time series and cross-section). */
  ic_pooled: number | null;
  /** Net of costs, compounded, annualised. */
  annual_return: number;
  max_drawdown: number;
  turnover: number;
  gross: SeriesMetrics;
  net: SeriesMetrics;
  days: number;
  books: number;
  mean_assets_per_book: number | null;
}

export interface StrategyResult {
  name: string;
  metrics: StrategyMetrics;
  daily: DailyRecord[];
  books: BookRecord[];
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function sd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Ranks from 1, ties sharing their average rank. */
export function ranks(xs: readonly number[]): number[] {
  const idx = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && xs[idx[j + 1]!] === xs[idx[i]!]) j += 1;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]!] = avg;
    i = j + 1;
  }
  return r;
}

/** Spearman's rank correlation; null when either side is constant. */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length || x.length < 2) return null;
  const rx = ranks(x);
  const ry = ranks(y);
  const mx = mean(rx);
  const my = mean(ry);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < rx.length; i++) {
    const dx = rx[i]! - mx;
    const dy = ry[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

export function seriesMetrics(r: readonly number[], annualisationDays: number): SeriesMetrics {
  if (r.length === 0) return { annual_return: 0, volatility: 0, sharpe: null, max_drawdown: 0 };
  let eq = 1;
  let peak = 1;
  let mdd = 0;
  for (const x of r) {
    eq *= 1 + x;
    peak = Math.max(peak, eq);
    mdd = Math.max(mdd, 1 - eq / peak);
  }
  const s = sd(r);
  return {
    annual_return: eq > 0 ? eq ** (annualisationDays / r.length) - 1 : -1,
    volatility: s * Math.sqrt(annualisationDays),
    sharpe: s > 0 ? (mean(r) / s) * Math.sqrt(annualisationDays) : null,
    max_drawdown: mdd,
  };
}

interface Pooled {
  v: number[];
  r: number[];
}

function metricsOf(
  daily: readonly DailyRecord[],
  books: readonly BookRecord[],
  hits: { hit: number; n: number },
  opts: StrategyOptions,
  pooled: Pooled = { v: [], r: [] },
): StrategyMetrics {
  const gross = seriesMetrics(
    daily.map((d) => d.gross),
    opts.annualisationDays,
  );
  const net = seriesMetrics(
    daily.map((d) => d.net),
    opts.annualisationDays,
  );
  const ics = books.flatMap((b) => (b.ic === null ? [] : [b.ic]));
  const icSd = sd(ics);
  const formed = books.filter((b) => b.long.length > 0);
  return {
    sharpe_net: net.sharpe,
    sharpe_gross: gross.sharpe,
    ic: ics.length ? mean(ics) : null,
    ic_t: ics.length >= 2 && icSd > 0 ? mean(ics) / (icSd / Math.sqrt(ics.length)) : null,
    ic_n: ics.length,
    hit_rate: hits.n ? hits.hit / hits.n : null,
    hit_n: hits.n,
    ic_pooled: spearman(pooled.v, pooled.r),
    annual_return: net.annual_return,
    max_drawdown: net.max_drawdown,
    turnover: daily.length ? mean(daily.map((d) => d.turnover)) : 0,
    gross,
    net,
    days: daily.length,
    books: formed.length,
    mean_assets_per_book: formed.length ? mean(formed.map((b) => b.n)) : null,
  };
}

/** The daily long-short strategy over the sessions of `range` (inclusive). */
export function simulateLongShort(
  name: string,
  signals: TradePointSignals,
  prices: PriceTable,
  range: SessionRange,
  opts: StrategyOptions,
): StrategyResult {
  const cal = prices.calendar;
  const c = opts.costBp / 10_000;
  const held: Record<TradePointKind, Map<string, number>> = { open: new Map(), close: new Map() };
  const books: BookRecord[] = [];
  const daily: DailyRecord[] = [];
  const hits = { hit: 0, n: 0 };
  const pooled: Pooled = { v: [], r: [] };
  for (let s = range.from; s <= range.to; s++) {
    const day: DailyRecord = { date: cal.dates[s]!, gross: 0, net: 0, turnover: 0, traded: 0 };
    for (const point of ['open', 'close'] as const) {
      const tp = 2 * s + (point === 'close' ? 1 : 0);
      const ranked: { asset: string; v: number; r: number }[] = [];
      for (const [asset, v] of signals.get(tp) ?? []) {
        if (v === 0 || !Number.isFinite(v)) continue;
        const r = prices.forwardReturn(asset, s, point);
        if (r !== undefined) ranked.push({ asset, v, r });
      }
      for (const x of ranked) {
        hits.n += 1;
        if (Math.sign(x.v) === Math.sign(x.r)) hits.hit += 1;
        pooled.v.push(x.v);
        pooled.r.push(x.r);
      }
      const weights = new Map<string, number>();
      let long: string[] = [];
      let short: string[] = [];
      if (ranked.length >= opts.minAssets) {
        ranked.sort((a, b) => b.v - a.v || (a.asset < b.asset ? -1 : 1));
        const k = Math.max(1, Math.floor(opts.quantile * ranked.length));
        long = ranked.slice(0, k).map((x) => x.asset);
        short = ranked.slice(-k).map((x) => x.asset);
        for (const a of long) weights.set(a, 1 / k);
        for (const a of short) weights.set(a, -1 / k);
      }
      const prev = held[point];
      let traded = 0;
      for (const a of new Set([...prev.keys(), ...weights.keys()])) traded += Math.abs((weights.get(a) ?? 0) - (prev.get(a) ?? 0));
      let gross = 0;
      for (const x of ranked) gross += (weights.get(x.asset) ?? 0) * x.r;
      const cost = c * traded;
      held[point] = weights;
      const ic =
        ranked.length >= Math.max(3, opts.minAssets)
          ? spearman(
              ranked.map((x) => x.v),
              ranked.map((x) => x.r),
            )
          : null;
      books.push({ tp, session: s, point, n: ranked.length, long, short, gross, cost, traded, ic });
      day.gross += 0.5 * gross;
      day.net += 0.5 * (gross - cost);
      day.turnover += 0.5 * (traded / 4);
      day.traded += 0.5 * traded;
    }
    daily.push(day);
  }
  return { name, metrics: metricsOf(daily, books, hits, opts, pooled), daily, books };
}

/**
 * Buy-and-hold of the universe: equal weights bought at the first close of the range, held without rebalancing
 * (an asset without a price on a day keeps its last one). One purchase pays the cost once. No signal, so no IC; the
 * hit rate is the share of days the portfolio rose.
 */
export function buyAndHold(prices: PriceTable, range: SessionRange, opts: StrategyOptions): StrategyResult {
  const cal = prices.calendar;
  const assets = prices.assets().filter((a) => prices.price(a, range.from, 'close') !== undefined);
  const last = new Map(assets.map((a) => [a, prices.price(a, range.from, 'close')!]));
  const base = new Map(last);
  const equity = (): number => mean(assets.map((a) => last.get(a)! / base.get(a)!));
  const daily: DailyRecord[] = [];
  let prevEq = 1;
  const to = Math.min(range.to, cal.length - 2);
  for (let s = range.from; s <= to; s++) {
    for (const a of assets) {
      const p = prices.price(a, s + 1, 'close');
      if (p !== undefined) last.set(a, p);
    }
    const eq = equity();
    const gross = eq / prevEq - 1;
    prevEq = eq;
    const first = s === range.from;
    const cost = first ? opts.costBp / 10_000 : 0;
    daily.push({ date: cal.dates[s]!, gross, net: gross - cost, turnover: first ? 1 : 0, traded: first ? 1 : 0 });
  }
  const up = daily.filter((d) => d.gross > 0).length;
  const m = metricsOf(daily, [], { hit: up, n: daily.length }, opts);
  return {
    name: 'buy_and_hold',
    metrics: { ...m, ic: null, ic_t: null, ic_n: 0, ic_pooled: null, books: 0, mean_assets_per_book: assets.length },
    daily,
    books: [],
  };
}

/** The net Sharpe the same trades would have had at another cost per unit traded. */
export function sharpeAtCost(r: StrategyResult, costBp: number, annualisationDays: number): number | null {
  return seriesMetrics(
    r.daily.map((d) => d.gross - (costBp / 10_000) * d.traded),
    annualisationDays,
  ).sharpe;
}

/** Sessions from the first to the last trade point that carries any signal. */
export function activeRange(signals: TradePointSignals): SessionRange | undefined {
  const tps = [...signals.keys()];
  if (tps.length === 0) return undefined;
  return { from: Math.floor(Math.min(...tps) / 2), to: Math.floor(Math.max(...tps) / 2) };
}
