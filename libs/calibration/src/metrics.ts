/**
 * Calibration metrics over equal-width confidence bins. Bin i of B covers [i/B, (i+1)/B); the last bin also takes
 * confidence 1. ECE = Σ (n_b / N)·|acc_b − conf_b| over the bins; MCE = max over non-empty bins of |acc_b − conf_b|.
 */
import { checkPairs, CalibrationInputError, type Outcome01 } from './validate.ts';

export const DEFAULT_BINS = 15;

export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  /** null for an empty bin: there is no mean to report. */
  mean_confidence: number | null;
  accuracy: number | null;
}

export function reliabilityBins(conf: readonly number[], correct: readonly Outcome01[], bins = DEFAULT_BINS): ReliabilityBin[] {
  checkPairs('reliabilityBins', conf, correct, { unitScores: true });
  if (!Number.isInteger(bins) || bins < 1) throw new CalibrationInputError(`bins must be a positive integer, got ${bins}`);
  const count = new Array<number>(bins).fill(0);
  const sumConf = new Array<number>(bins).fill(0);
  const sumCorrect = new Array<number>(bins).fill(0);
  for (let i = 0; i < conf.length; i++) {
    const c = conf[i]!;
    const b = Math.min(bins - 1, Math.floor(c * bins));
    count[b]! += 1;
    sumConf[b]! += c;
    sumCorrect[b]! += correct[i]!;
  }
  return count.map((n, b) => ({
    lo: b / bins,
    hi: (b + 1) / bins,
    count: n,
    mean_confidence: n === 0 ? null : sumConf[b]! / n,
    accuracy: n === 0 ? null : sumCorrect[b]! / n,
  }));
}

export function expectedCalibrationError(conf: readonly number[], correct: readonly Outcome01[], bins = DEFAULT_BINS): number {
  const total = conf.length;
  let ece = 0;
  for (const bin of reliabilityBins(conf, correct, bins)) {
    if (bin.count > 0) ece += (bin.count / total) * Math.abs(bin.accuracy! - bin.mean_confidence!);
  }
  return ece;
}

export function maxCalibrationError(conf: readonly number[], correct: readonly Outcome01[], bins = DEFAULT_BINS): number {
  let mce = 0;
  for (const bin of reliabilityBins(conf, correct, bins)) {
    if (bin.count > 0) mce = Math.max(mce, Math.abs(bin.accuracy! - bin.mean_confidence!));
  }
  return mce;
}
