export { parseNewsJsonl, readNews } from './news.ts';
export type { NewsLine, NewsReadResult } from './news.ts';
export { replayPipeline, ReplayStalledError, tradePointIndex } from './replay.ts';
export type { ReplayOptions, ReplayProgress, ReplayReject, ReplayResult } from './replay.ts';
export { LexiconLoadError, lmTone, loadLoughranMcDonald, randomSignals, vaderCompound } from './baselines.ts';
export type { LoughranMcDonald } from './baselines.ts';
export { activeRange, aggregateSignals, buyAndHold, ranks, seriesMetrics, sharpeAtCost, simulateLongShort, spearman } from './strategy.ts';
export type {
  AggregateOptions,
  BookRecord,
  DailyRecord,
  ItemSignal,
  SeriesMetrics,
  SessionRange,
  StrategyMetrics,
  StrategyOptions,
  StrategyResult,
  TradePointSignals,
} from './strategy.ts';
export { BacktestError, runBacktest } from './backtest.ts';
export type { BacktestOptions, BacktestReport, BacktestRun, RandomBaseline } from './backtest.ts';
export { backtestHtml } from './report-html.ts';
