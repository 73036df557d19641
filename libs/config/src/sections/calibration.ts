/** J4 calibration, outcomes and backtest settings (owned by the calibration work). */
import { z } from 'zod';

const sessions = z.number().int().min(1).max(260);

/**
 * Trading sessions over which a signal of each timeframe is judged right or wrong. 1 = the next trading day: from the
 * first open or close after the signal to the same point one session later.
 */
const HorizonSessions = z
  .object({
    intraday: sessions.default(1),
    short_term: sessions.default(1),
    medium_term: sessions.default(1),
    long_term: sessions.default(1),
  })
  .prefault({});

/** `himari backtest`: the Kirtac & Germano (2024) daily long-short recipe and its costs. */
const BacktestSection = z
  .object({
    /** Cost of trading one unit of notional, buys and sells alike, in basis points. @default 10 */
    cost_bp: z.number().min(0).max(1000).default(10),
    /** Long the top and short the bottom fraction of the assets ranked by signal. @default 0.2 */
    quantile: z.number().gt(0).lte(0.5).default(0.2),
    /** A book is formed only when at least this many assets have a non-zero signal at its trade point. @default 5 */
    min_assets: z.number().int().min(2).default(5),
    /** How several items of one asset at one trade point combine: `mean` of sentiment×confidence, or `ewma` by age. @default mean */
    aggregate: z.enum(['mean', 'ewma']).default('mean'),
    /** Half-life of an item's weight for `ewma`, in hours before the trade point. @default 6 */
    ewma_half_life_h: z.number().positive().default(6),
    /** Seeds of the random-signal baseline. @default 10 */
    random_seeds: z.number().int().min(2).max(1000).default(10),
    /** Trading days per year for annualising. @default 252 */
    annualisation_days: z.number().int().positive().default(252),
  })
  .prefault({});

export const CalibrationSection = z
  .object({
    /**
     * `platt` (σ(a·s + b)) or `isotonic` (PAV). Platt by default: on StockNet's held-out outcomes it reached ECE 0.013
     * against isotonic's 0.027, and it never maps to exactly 0 or 1, which isotonic does at its end blocks. @default platt
     */
    method: z.enum(['isotonic', 'platt']).default('platt'),
    min_samples: z.number().int().min(10).default(100),
    refit_every: z.number().int().min(1).default(50),
    /** Newest labelled outcomes kept per key and fitted on: bounds memory, lets a map follow drift. @default 10000 */
    max_samples_per_key: z.number().int().min(10).default(10_000),
    /** SQLite file of signals, outcomes, labels and fitted maps; null keeps it in memory (history lost on restart). */
    ledger_path: z.string().min(1).nullable().default(null),
    horizon_sessions: HorizonSessions,
    /** A signal joins the first outcome window starting at or after it, but none starting later than this. @default 432000 */
    max_entry_wait_s: z
      .number()
      .int()
      .positive()
      .default(5 * 24 * 3600),
    /** Newest share of labelled signals (by signal time) held out to measure ECE/MCE; the rest is fitted. @default 0.3 */
    holdout_fraction: z.number().gt(0).lt(1).default(0.3),
    /** Equal-width confidence bins of ECE, MCE and the reliability diagram. @default 15 */
    bins: z.number().int().min(2).max(100).default(15),
    backtest: BacktestSection,
  })
  .prefault({});
