/**
 * Calibration measured on outcomes the maps never saw.
 *
 * Time-ordered split: labelled directional signals are sorted by signal time; the newest `holdoutFraction` is held
 * out. The fit part keeps only labels whose outcome was known before the first held-out signal (an embargo: a label
 * whose return window overlaps the held-out period would leak it). A map is fitted per key on the fit part, exactly
 * as J4 would have it at the split (same method, `minSamples`, newest `maxSamplesPerKey`); a key with too few fit
 * labels stays uncalibrated, as it would be live. ECE and MCE of raw and calibrated confidence are then computed on
 * the held-out part only.
 *
 * `served` is a second, independent view: the confidence each signal was actually published with, against its
 * outcome. It is held out too (a signal's map was fitted before its own outcome existed), but mixes maps of all ages.
 */
import {
  calibrationSummary,
  CalibrationInputError,
  expectedCalibrationError,
  fitIsotonic,
  fitPlatt,
  maxCalibrationError,
  reliabilityBins,
  type CalibrationMap,
  type CalibrationMethod,
  type CalibrationSummary,
  type ReliabilityBin,
} from '@himari/calibration';
import type { LabelRecord } from './ledger.ts';

export interface HoldoutOptions {
  method: CalibrationMethod;
  minSamples: number;
  maxSamplesPerKey: number;
  holdoutFraction: number;
  bins: number;
}

export interface KeyHoldout {
  key: string;
  n_fit: number;
  n_eval: number;
  fitted: boolean;
  ece_raw: number | null;
  ece_calibrated: number | null;
}

export interface HoldoutReport {
  method: CalibrationMethod;
  bins: number;
  n_fit: number;
  n_eval: number;
  /** Fit labels dropped because their outcome was not yet known at the split. */
  n_embargoed: number;
  /** Held-out signals that had a fitted map (the rest kept their raw confidence, as live). */
  n_eval_calibrated: number;
  split_at: string;
  ece_raw: number;
  ece_calibrated: number;
  mce_raw: number;
  mce_calibrated: number;
  /** Hit rate of the held-out signals: what a calibrated confidence should average to. */
  eval_hit_rate: number;
  /**
   * Brier score with its decomposition (reliability, resolution, uncertainty), AUC of confidence for a right
   * direction, sharpness, and whether confidence collapsed to the base rate, in words: raw and calibrated, held out.
   * ECE alone cannot see a collapse (a constant at the base rate has ECE 0).
   */
  summary_raw: CalibrationSummary;
  summary_calibrated: CalibrationSummary;
  reliability_raw: ReliabilityBin[];
  reliability_calibrated: ReliabilityBin[];
  keys: KeyHoldout[];
  served: { n: number; n_calibrated: number; ece: number; mce: number; reliability: ReliabilityBin[] } | null;
}

export class NotEnoughOutcomesError extends Error {
  override readonly name = 'NotEnoughOutcomesError';
  /** More outcomes may arrive. */
  readonly retryable = true;
}

function fit(method: CalibrationMethod, scores: number[], outcomes: (0 | 1)[]): CalibrationMap {
  return method === 'isotonic' ? fitIsotonic(scores, outcomes) : fitPlatt(scores, outcomes);
}

const outcome01 = (l: LabelRecord): 0 | 1 => (l.correct === 1 ? 1 : 0);

export function evaluateHoldout(labels: readonly LabelRecord[], opts: HoldoutOptions): HoldoutReport {
  if (!(opts.holdoutFraction > 0 && opts.holdoutFraction < 1))
    throw new CalibrationInputError(`holdoutFraction must be in (0, 1), got ${opts.holdoutFraction}`);
  const directional = labels.filter((l) => l.correct !== null).sort((a, b) => a.published_ms - b.published_ms || a.seq - b.seq);
  const cut = Math.floor(directional.length * (1 - opts.holdoutFraction));
  const evalSet = directional.slice(cut);
  if (cut === 0 || evalSet.length === 0) {
    throw new NotEnoughOutcomesError(`need labelled directional signals on both sides of the split, have ${directional.length}`);
  }
  const splitMs = evalSet[0]!.published_ms;
  const before = directional.slice(0, cut);
  const fitSet = before.filter((l) => l.observed_ms <= splitMs);

  const byKey = new Map<string, LabelRecord[]>();
  for (const l of fitSet) {
    const list = byKey.get(l.cal_key);
    if (list) list.push(l);
    else byKey.set(l.cal_key, [l]);
  }
  const maps = new Map<string, CalibrationMap>();
  for (const [key, ls] of byKey) {
    if (ls.length < opts.minSamples) continue;
    const recent = ls.slice(-opts.maxSamplesPerKey);
    maps.set(
      key,
      fit(
        opts.method,
        recent.map((l) => l.raw_confidence),
        recent.map(outcome01),
      ),
    );
  }

  const raw = evalSet.map((l) => l.raw_confidence);
  const cal = evalSet.map((l) => {
    const m = maps.get(l.cal_key);
    return m ? Math.min(1, Math.max(0, m.predict(l.raw_confidence))) : l.raw_confidence;
  });
  const y = evalSet.map(outcome01);

  const keys = [...new Set(directional.map((l) => l.cal_key))].sort().map((key): KeyHoldout => {
    const idx = evalSet.flatMap((l, i) => (l.cal_key === key ? [i] : []));
    const pick = (xs: number[]): number[] => idx.map((i) => xs[i]!);
    const ys = idx.map((i) => y[i]!);
    return {
      key,
      n_fit: byKey.get(key)?.length ?? 0,
      n_eval: idx.length,
      fitted: maps.has(key),
      ece_raw: idx.length ? expectedCalibrationError(pick(raw), ys, opts.bins) : null,
      ece_calibrated: idx.length ? expectedCalibrationError(pick(cal), ys, opts.bins) : null,
    };
  });

  const servedSet = directional;
  const served = servedSet.length
    ? {
        n: servedSet.length,
        n_calibrated: servedSet.filter((l) => l.calibrated).length,
        ece: expectedCalibrationError(
          servedSet.map((l) => l.served_confidence),
          servedSet.map(outcome01),
          opts.bins,
        ),
        mce: maxCalibrationError(
          servedSet.map((l) => l.served_confidence),
          servedSet.map(outcome01),
          opts.bins,
        ),
        reliability: reliabilityBins(
          servedSet.map((l) => l.served_confidence),
          servedSet.map(outcome01),
          opts.bins,
        ),
      }
    : null;

  return {
    method: opts.method,
    bins: opts.bins,
    n_fit: fitSet.length,
    n_eval: evalSet.length,
    n_embargoed: before.length - fitSet.length,
    n_eval_calibrated: evalSet.filter((l) => maps.has(l.cal_key)).length,
    split_at: new Date(splitMs).toISOString(),
    ece_raw: expectedCalibrationError(raw, y, opts.bins),
    ece_calibrated: expectedCalibrationError(cal, y, opts.bins),
    mce_raw: maxCalibrationError(raw, y, opts.bins),
    mce_calibrated: maxCalibrationError(cal, y, opts.bins),
    eval_hit_rate: y.reduce<number>((a, b) => a + b, 0) / y.length,
    summary_raw: calibrationSummary(raw, y, opts.bins),
    summary_calibrated: calibrationSummary(cal, y, opts.bins),
    reliability_raw: reliabilityBins(raw, y, opts.bins),
    reliability_calibrated: reliabilityBins(cal, y, opts.bins),
    keys,
    served,
  };
}
