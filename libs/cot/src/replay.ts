/**
 * Replay of recorded experience: train the RLMF policy on the earlier part (chronologically) and measure its reward
 * before and after on the later part, beside the fixed rules "always follow the signal" and "always hold".
 *
 * `experienceFromStockNet` builds an experience file from public data: StockNet's tweets per ticker and trading
 * day (MIT), scored by the project's own J5 lexicon and J7 rules, joined to the next-day return. No language model
 * is shipped, so the "signal" and factors are what J5 and J7 make of the day's tweets rather than a chain's; the
 * returns, and so the rewards, are real. Everything is computed from what was known at that day's close.
 */
import { createReadStream } from 'node:fs';
import { parse as parseCsv } from 'csv-parse';
import { classifyEventRules } from '@himari/event-classification';
import { createLexiconScorer } from '@himari/sentiment';
import { directionFromCompound } from '@himari/drafting';
import type { Factors } from './chain.ts';
import {
  earnedReward,
  expectedReward,
  greedyReward,
  initialPolicy,
  rlmfUpdate,
  ruleReward,
  type Action,
  type Experience,
  type PolicyState,
  type UpdateReport,
} from './policy.ts';

export interface ReplayOptions {
  /** Share of experiences (oldest first) to train on. @default 0.7 */
  trainShare?: number;
  /** `rlmf_update` calls, each `epochs` passes over the training part. @default 10 */
  updates?: number;
  /** @default 2 */
  epochs?: number;
  /** @default 0.05 */
  learningRate?: number;
  /** @default 7 */
  seed?: number;
  /** @default 'sampled' */
  gradient?: 'sampled' | 'expected';
}

export interface RewardSummary {
  /** Expected reward of the policy's distribution. */
  expected: number;
  /** Reward of always taking the policy's most likely action. */
  greedy: number;
}

export interface ReplayReport {
  n_train: number;
  n_eval: number;
  eval_from: string;
  before: RewardSummary;
  after: RewardSummary;
  /** The same measures on the training part: how much of the gain is fit rather than generalisation. */
  train_before: RewardSummary;
  train_after: RewardSummary;
  baselines: { follow_signal: number; always_hold: number; recorded_actions: number };
  updates: UpdateReport[];
  policy: PolicyState;
}

export function replay(all: readonly Experience[], opts: ReplayOptions = {}): ReplayReport {
  if (all.length < 10) throw new RangeError(`replay needs at least 10 experiences, got ${all.length}`);
  const sorted = [...all].sort((a, b) => a.at - b.at);
  const cut = Math.floor(sorted.length * (opts.trainShare ?? 0.7));
  const train = sorted.slice(0, cut);
  const evalSet = sorted.slice(cut);
  const summary = (p: PolicyState, xs: readonly Experience[]): RewardSummary => ({
    expected: expectedReward(p, xs),
    greedy: greedyReward(p, xs),
  });
  let policy = initialPolicy();
  const before = summary(policy, evalSet);
  const trainBefore = summary(policy, train);
  const updates: UpdateReport[] = [];
  for (let i = 0; i < (opts.updates ?? 10); i++) {
    const r = rlmfUpdate(policy, train, {
      learningRate: opts.learningRate ?? 0.05,
      epochs: opts.epochs ?? 2,
      seed: opts.seed ?? 7,
      gradient: opts.gradient ?? 'sampled',
    });
    policy = r.state;
    updates.push(r.report);
  }
  return {
    n_train: train.length,
    n_eval: evalSet.length,
    eval_from: new Date(evalSet[0]!.at).toISOString(),
    before,
    after: summary(policy, evalSet),
    train_before: trainBefore,
    train_after: summary(policy, train),
    baselines: {
      follow_signal: ruleReward(evalSet, 'follow'),
      always_hold: ruleReward(evalSet, 'hold'),
      recorded_actions: evalSet.reduce((a, e) => a + earnedReward(e), 0) / evalSet.length,
    },
    updates,
    policy,
  };
}

export interface StockNetOptions {
  /** Folder with stocknet_tweets_preprocessed_flat.csv and stocknet_prices_with_next_day_returns.csv. */
  dir: string;
  /** Only these tickers. */
  tickers?: readonly string[];
  /** Days with fewer tweets are skipped. @default 3 */
  minTweets?: number;
  onProgress?: (tweets: number) => void;
}

interface PriceRow {
  date: string;
  adjClose: number;
  nextReturn: number;
}

/** US close, 16:00 New York, taken as 20:00 UTC (21:00 in winter would only shift a few evening tweets). */
const CLOSE_UTC_HOUR = 20;
const SURPRISE_WINDOW_DAYS = 20;
const TREND_DAYS = 5;

export async function experienceFromStockNet(opts: StockNetOptions): Promise<Experience[]> {
  const only = opts.tickers ? new Set(opts.tickers.map((t) => t.toUpperCase())) : null;
  const prices = await readPrices(`${opts.dir}/stocknet_prices_with_next_day_returns.csv`, only);
  const tweets = await readTweetsByDay(`${opts.dir}/stocknet_tweets_preprocessed_flat.csv`, prices, only, opts.onProgress);
  const scorer = createLexiconScorer();
  const out: Experience[] = [];
  for (const [ticker, days] of tweets) {
    const series = prices.get(ticker)!;
    const index = new Map(series.map((p, i) => [p.date, i]));
    const history: number[] = [];
    for (const date of [...days.keys()].sort()) {
      const texts = days.get(date)!;
      const i = index.get(date)!;
      const price = series[i]!;
      if (texts.length < (opts.minTweets ?? 3) || !Number.isFinite(price.nextReturn)) continue;
      const scores = texts.map((t) => scorer.score(t).compound);
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
      const prior = history.slice(-SURPRISE_WINDOW_DAYS);
      const priorMean = prior.length > 0 ? prior.reduce((a, b) => a + b, 0) / prior.length : mean;
      history.push(mean);
      const past = series[i - TREND_DAYS];
      const trend = past ? Math.tanh(20 * (price.adjClose / past.adjClose - 1)) : 0;
      const highImpact = texts.filter((t) => classifyEventRules(t).impact === 'high').length / texts.length;
      const factors: Factors = {
        news_sentiment: clamp(mean, -1, 1),
        surprise: clamp(mean - priorMean, -1, 1),
        market_trend: clamp(trend, -1, 1),
        impact: clamp(highImpact, 0, 1),
        uncertainty: clamp(sd, 0, 1),
      };
      out.push({
        signal_id: `stocknet:${ticker}:${date}`,
        asset: ticker.replace(/[^A-Z0-9._\-/]/g, '-'),
        at: Date.parse(`${date}T${String(CLOSE_UTC_HOUR).padStart(2, '0')}:00:00Z`),
        input: {
          signalDirection: directionFromCompound(mean) as Action,
          signalConfidence: clamp(0.5 + 0.5 * Math.abs(mean), 0, 1),
          factors,
        },
        realised_return: price.nextReturn,
      });
    }
  }
  return out.sort((a, b) => a.at - b.at || a.signal_id.localeCompare(b.signal_id));
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

async function readPrices(file: string, only: ReadonlySet<string> | null): Promise<Map<string, PriceRow[]>> {
  const out = new Map<string, PriceRow[]>();
  for await (const r of createReadStream(file).pipe(parseCsv({ columns: true })) as AsyncIterable<Record<string, string>>) {
    const ticker = r['ticker']!;
    if (only && !only.has(ticker)) continue;
    const row: PriceRow = {
      date: r['date']!,
      adjClose: Number(r['adj_close']),
      nextReturn: Number(r['ret_next_day_adjclose_to_adjclose']),
    };
    const list = out.get(ticker) ?? [];
    list.push(row);
    out.set(ticker, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.date.localeCompare(b.date));
  return out;
}

/**
 * Tweets of the session that ends at trading day d's close: created after the previous trading day's close and up
 * to d's close. The day's return (close d → next close) is only known after all of them.
 */
async function readTweetsByDay(
  file: string,
  prices: ReadonlyMap<string, PriceRow[]>,
  only: ReadonlySet<string> | null,
  onProgress?: (n: number) => void,
): Promise<Map<string, Map<string, string[]>>> {
  const closes = new Map<string, number[]>();
  for (const [t, rows] of prices)
    closes.set(
      t,
      rows.map((r) => Date.parse(`${r.date}T${String(CLOSE_UTC_HOUR).padStart(2, '0')}:00:00Z`)),
    );
  const out = new Map<string, Map<string, string[]>>();
  let n = 0;
  for await (const r of createReadStream(file).pipe(parseCsv({ columns: true, relax_quotes: true })) as AsyncIterable<
    Record<string, string>
  >) {
    if (++n % 20_000 === 0) onProgress?.(n);
    const ticker = r['ticker']!;
    if (only && !only.has(ticker)) continue;
    const c = closes.get(ticker);
    const rows = prices.get(ticker);
    if (!c || !rows) continue;
    const at = Date.parse(r['created_at_utc']!);
    if (!Number.isFinite(at)) continue;
    const i = firstAtOrAfter(c, at);
    if (i < 0) continue;
    const date = rows[i]!.date;
    const days = out.get(ticker) ?? new Map<string, string[]>();
    const list = days.get(date) ?? [];
    list.push(r['text_tokens'] ?? '');
    days.set(date, list);
    out.set(ticker, days);
  }
  return out;
}

/** Index of the first close at or after `t` (binary search), -1 when none. */
function firstAtOrAfter(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length ? lo : -1;
}

/** Experience as JSON lines (the file `himari rlmf replay` reads). */
export function experienceToJsonl(xs: readonly Experience[]): string {
  return xs.map((x) => JSON.stringify(x)).join('\n') + (xs.length > 0 ? '\n' : '');
}

export function experienceFromJsonl(text: string): Experience[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      const e = JSON.parse(l) as Experience;
      if (typeof e.signal_id !== 'string' || typeof e.realised_return !== 'number' || !e.input || typeof e.at !== 'number') {
        throw new Error(`experience line ${i + 1}: needs signal_id, at, input and realised_return`);
      }
      return e;
    });
}
