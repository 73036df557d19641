/**
 * `himari backtest`: news through the real pipeline, point-in-time (see replay.ts), then the Kirtac & Germano
 * long-short recipe (see strategy.ts) on the pipeline's signals and, on the very same items and trade points, on the
 * baselines: Loughran-McDonald, VADER, random signals over several seeds, and buy-and-hold of the universe.
 *
 * The pipeline's per-item signal is `sentiment × confidence` (the confidence J4 published, calibrated once its key has
 * a map). Baselines use their score alone.
 */
import type { Config } from '@himari/config';
import type { TradingSignal } from '@himari/contracts';
import type { Logger } from '@himari/observability';
import {
  evaluateHoldout,
  holdoutOptionsFrom,
  horizonsFrom,
  NotEnoughOutcomesError,
  outcomesFromPrices,
  type CalibrationService,
  type HoldoutReport,
  type PriceTable,
} from '@himari/outcomes';
import { lmTone, randomSignals, type LoughranMcDonald } from './baselines.ts';
import { vaderCompoundsInWorker } from './vader-worker.ts';
import type { NewsLine, NewsReadResult } from './news.ts';
import { replayPipeline, type ReplayProgress } from './replay.ts';
import {
  activeRange,
  aggregateSignals,
  buyAndHold,
  sharpeAtCost,
  simulateLongShort,
  type ItemSignal,
  type StrategyMetrics,
  type StrategyOptions,
  type StrategyResult,
  type TradePointSignals,
} from './strategy.ts';

export interface BacktestOptions {
  config: Config;
  news: NewsReadResult;
  prices: PriceTable;
  /** null: the Loughran-McDonald baseline is left out (and the report says so). */
  lm: LoughranMcDonald | null;
  /** J4's state over a fresh ledger: the backtest's calibration starts from nothing, as a new deployment would. */
  calibration: CalibrationService;
  log: Logger;
  onProgress?(p: ReplayProgress): void;
  /** A stage of work finished (`replay`, `baselines`, ...): for progress lines. */
  onStage?(stage: string): void;
}

export interface RandomBaseline {
  seeds: number[];
  runs: (StrategyMetrics & { seed: number })[];
  sharpe_net_mean: number | null;
  sharpe_net_sd: number | null;
  sharpe_net_min: number | null;
  sharpe_net_max: number | null;
}

/** Net Sharpe of random signals over the seeds: mean, sd, min, max. */
export interface RandomSharpe {
  sharpe_net_mean: number | null;
  sharpe_net_sd: number | null;
  sharpe_net_min: number | null;
  sharpe_net_max: number | null;
}

export interface BacktestReport {
  generated_at: string;
  dataset: {
    items: number;
    skipped_no_time: number;
    skipped_not_json: number;
    unplaced_after_last_session: number;
    signals: number;
    rejected: number;
    rejected_by_code: Record<string, number>;
    items_traded: number;
    assets_with_news: number;
    assets_with_prices: number;
    first_session: string;
    last_session: string;
    sessions: number;
  };
  scorer: { name: string; version: string; kind: string };
  settings: {
    cost_bp: number;
    quantile: number;
    min_assets: number;
    aggregate: string;
    ewma_half_life_h: number;
    random_seeds: number;
    calibration_method: string;
  };
  pipeline: StrategyMetrics & { signal: string; calibrated_share: number };
  baselines: {
    loughran_mcdonald: StrategyMetrics | null;
    vader: StrategyMetrics;
    random: RandomBaseline;
    buy_and_hold: StrategyMetrics;
  };
  /**
   * Random signals on exactly the assets and trade points each lexicon ranks (the pipeline's own twin is
   * `baselines.random`). Net Sharpe in this recipe depends strongly on how many assets a book holds (costs against
   * the book's volatility): a scorer shows skill only against random signals on its own universe.
   */
  random_same_universe: { loughran_mcdonald: RandomSharpe | null; vader: RandomSharpe };
  /** Net Sharpe of the same trades at other costs per unit traded (bp): how much of the verdict is the cost level. */
  cost_sensitivity: {
    cost_bp: number[];
    pipeline: (number | null)[];
    loughran_mcdonald: (number | null)[] | null;
    vader: (number | null)[];
    random_mean: (number | null)[];
  };
  comparison: {
    pipeline_minus_lm_sharpe_net: number | null;
    random_sharpe_net_spread: number | null;
    beats_lm_by_more_than_random_spread: boolean | null;
  };
  calibration:
    | (Omit<HoldoutReport, 'reliability_raw' | 'reliability_calibrated' | 'keys' | 'served'> & { served_ece: number | null })
    | { error: string };
  timing: { replay_ms: number; items_per_s: number; total_ms: number; fit_ms_total: number; fit_ms_max: number; refits: number };
}

export interface BacktestRun {
  report: BacktestReport;
  /** Daily series of every strategy, for the charts. */
  strategies: {
    pipeline: StrategyResult;
    lm: StrategyResult | null;
    vader: StrategyResult;
    random: StrategyResult[];
    buyAndHold: StrategyResult;
  };
  holdout: HoldoutReport | null;
  signals: Map<string, TradingSignal>;
}

const SENSITIVITY_BP = [0, 1, 2, 5, 10, 20];

export class BacktestError extends Error {
  override readonly name = 'BacktestError';
  readonly retryable = false;
}

function mean(xs: readonly number[]): number | null {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

function sdOf(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs)!;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

export async function runBacktest(opts: BacktestOptions): Promise<BacktestRun> {
  const started = Date.now();
  const { config, prices, log } = opts;
  const c = config.calibration;
  const bt = c.backtest;
  const calendar = prices.calendar;
  if (calendar.length < 2) throw new BacktestError('the price data has fewer than two sessions');
  const held = opts.calibration.ledger.counts();
  if (held.signals > 0 || held.outcomes > 0) {
    throw new BacktestError(
      'the ledger already holds signals or outcomes: a backtest needs a fresh ledger, or its calibration would know the future',
    );
  }

  const outcomes = outcomesFromPrices(prices, horizonsFrom(c));
  // Scored on the second core while the pipeline replays on the first.
  const vaderScores = vaderCompoundsInWorker(opts.news.items.map((i) => i.text));
  vaderScores.catch(() => undefined); // awaited below; a failure must not surface as an unhandled rejection meanwhile
  const replay = await replayPipeline({
    config,
    news: opts.news.items,
    calendar,
    outcomes,
    calibration: opts.calibration,
    log,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  opts.onStage?.('replay');

  // Exactly the items the pipeline turned into signals, for every method.
  const vader = await vaderScores;
  const accepted: { item: NewsLine; signal: TradingSignal; vader: number }[] = [];
  opts.news.items.forEach((item, i) => {
    const signal = replay.signals.get(item.id);
    if (signal) accepted.push({ item, signal, vader: vader[i]! });
  });
  const agg = { aggregate: bt.aggregate, ewmaHalfLifeH: bt.ewma_half_life_h };
  const itemsOf = (value: (x: { item: NewsLine; signal: TradingSignal; vader: number }) => number): ItemSignal[] =>
    accepted.map((x) => ({ asset: x.signal.asset, publishedMs: x.item.publishedMs, value: value(x) }));
  const pipelineSignals = aggregateSignals(
    itemsOf((x) => x.signal.sentiment * x.signal.confidence),
    calendar,
    agg,
  );
  const range = activeRange(pipelineSignals);
  if (!range) throw new BacktestError('no signal falls inside the price calendar: check that the news and prices cover the same dates');
  const sopts: StrategyOptions = {
    quantile: bt.quantile,
    minAssets: bt.min_assets,
    costBp: bt.cost_bp,
    annualisationDays: bt.annualisation_days,
  };

  const pipeline = simulateLongShort('pipeline', pipelineSignals, prices, range, sopts);
  const lmSignals = opts.lm
    ? aggregateSignals(
        itemsOf((x) => lmTone(opts.lm!, x.item.text)),
        calendar,
        agg,
      )
    : null;
  const lm = lmSignals ? simulateLongShort('loughran_mcdonald', lmSignals, prices, range, sopts) : null;
  const vaderSignals = aggregateSignals(
    itemsOf((x) => x.vader),
    calendar,
    agg,
  );
  const vaderRun = simulateLongShort('vader', vaderSignals, prices, range, sopts);
  const seeds = Array.from({ length: bt.random_seeds }, (_, i) => i + 1);
  const randomRuns = (signals: TradePointSignals): StrategyResult[] =>
    seeds.map((seed) => simulateLongShort(`random-${seed}`, randomLike(signals, seed), prices, range, sopts));
  const randomOn = (signals: TradePointSignals): RandomSharpe => randomSharpe(randomRuns(signals).map((r) => r.metrics.sharpe_net));
  const random = randomRuns(pipelineSignals);
  const bh = buyAndHold(prices, range, sopts);
  opts.onStage?.('baselines');

  let holdout: HoldoutReport | null = null;
  let calibration: BacktestReport['calibration'];
  try {
    holdout = evaluateHoldout(opts.calibration.ledger.directionalLabels(), holdoutOptionsFrom(c));
    const { reliability_raw: _r, reliability_calibrated: _c, keys: _k, served, ...rest } = holdout;
    calibration = { ...rest, served_ece: served?.ece ?? null };
  } catch (err) {
    if (!(err instanceof NotEnoughOutcomesError)) throw err;
    calibration = { error: err.message };
  }

  const randomSharpes = random.flatMap((r) => (r.metrics.sharpe_net === null ? [] : [r.metrics.sharpe_net]));
  const spread = randomSharpes.length ? Math.max(...randomSharpes) - Math.min(...randomSharpes) : null;
  const diff =
    lm && pipeline.metrics.sharpe_net !== null && lm.metrics.sharpe_net !== null
      ? pipeline.metrics.sharpe_net - lm.metrics.sharpe_net
      : null;
  const rejectedByCode: Record<string, number> = {};
  for (const r of replay.rejects) rejectedByCode[r.code] = (rejectedByCode[r.code] ?? 0) + 1;
  const stats = opts.calibration.stats();
  const traded = new Set<string>();
  for (const b of pipeline.books) for (const a of [...b.long, ...b.short]) traded.add(a);
  const newsAssets = new Set(accepted.map((x) => x.signal.asset));

  const report: BacktestReport = {
    generated_at: new Date().toISOString(),
    dataset: {
      items: opts.news.items.length,
      skipped_no_time: opts.news.skipped.filter((s) => s.code === 'no_time').length,
      skipped_not_json: opts.news.skipped.filter((s) => s.code === 'not_json').length,
      unplaced_after_last_session: replay.unplaced,
      signals: replay.signals.size,
      rejected: replay.rejects.length,
      rejected_by_code: rejectedByCode,
      items_traded: accepted.filter((x) => prices.has(x.signal.asset)).length,
      assets_with_news: newsAssets.size,
      assets_with_prices: [...newsAssets].filter((a) => prices.has(a)).length,
      first_session: calendar.dates[range.from]!,
      last_session: calendar.dates[range.to]!,
      sessions: range.to - range.from + 1,
    },
    scorer: replay.scorer,
    settings: {
      cost_bp: bt.cost_bp,
      quantile: bt.quantile,
      min_assets: bt.min_assets,
      aggregate: bt.aggregate,
      ewma_half_life_h: bt.ewma_half_life_h,
      random_seeds: bt.random_seeds,
      calibration_method: c.method,
    },
    pipeline: {
      ...pipeline.metrics,
      signal: 'sentiment × calibrated confidence',
      calibrated_share: accepted.length ? accepted.filter((x) => x.signal.calibration.calibrated).length / accepted.length : 0,
    },
    baselines: {
      loughran_mcdonald: lm?.metrics ?? null,
      vader: vaderRun.metrics,
      random: {
        seeds,
        runs: random.map((r, i) => ({ seed: seeds[i]!, ...r.metrics })),
        ...randomSharpe(randomSharpes),
      },
      buy_and_hold: bh.metrics,
    },
    random_same_universe: { loughran_mcdonald: lmSignals ? randomOn(lmSignals) : null, vader: randomOn(vaderSignals) },
    cost_sensitivity: {
      cost_bp: SENSITIVITY_BP,
      pipeline: SENSITIVITY_BP.map((bp) => sharpeAtCost(pipeline, bp, bt.annualisation_days)),
      loughran_mcdonald: lm ? SENSITIVITY_BP.map((bp) => sharpeAtCost(lm, bp, bt.annualisation_days)) : null,
      vader: SENSITIVITY_BP.map((bp) => sharpeAtCost(vaderRun, bp, bt.annualisation_days)),
      random_mean: SENSITIVITY_BP.map((bp) =>
        mean(
          random.flatMap((r) => {
            const x = sharpeAtCost(r, bp, bt.annualisation_days);
            return x === null ? [] : [x];
          }),
        ),
      ),
    },
    comparison: {
      pipeline_minus_lm_sharpe_net: diff,
      random_sharpe_net_spread: spread,
      beats_lm_by_more_than_random_spread: diff === null || spread === null ? null : diff > spread,
    },
    calibration,
    timing: {
      replay_ms: replay.elapsedMs,
      items_per_s: replay.elapsedMs > 0 ? ((opts.news.items.length - replay.unplaced) * 1000) / replay.elapsedMs : 0,
      total_ms: Date.now() - started,
      fit_ms_total: stats.fit_ms_total,
      fit_ms_max: stats.fit_ms_max,
      refits: stats.refits,
    },
  };
  log.debug({ traded: traded.size }, 'backtest done');
  return { report, strategies: { pipeline, lm, vader: vaderRun, random, buyAndHold: bh }, holdout, signals: replay.signals };
}

function randomSharpe(values: readonly (number | null)[]): RandomSharpe {
  const xs = values.flatMap((x) => (x === null ? [] : [x]));
  return {
    sharpe_net_mean: mean(xs),
    sharpe_net_sd: sdOf(xs),
    sharpe_net_min: xs.length ? Math.min(...xs) : null,
    sharpe_net_max: xs.length ? Math.max(...xs) : null,
  };
}

/** Random values on exactly the assets and trade points that carry a non-zero signal. */
function randomLike(signals: TradePointSignals, seed: number): TradePointSignals {
  const draw = randomSignals(seed);
  const out: TradePointSignals = new Map();
  for (const tp of [...signals.keys()].sort((a, b) => a - b)) {
    const assets = [...signals.get(tp)!]
      .filter(([, v]) => v !== 0)
      .map(([a]) => a)
      .sort();
    out.set(tp, new Map(assets.map((a) => [a, draw()])));
  }
  return out;
}
