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

/** Mean squared difference between confidence and outcome: 0 is perfect, 0.25 is a constant 0.5 on a coin flip. */
export function brierScore(conf: readonly number[], correct: readonly Outcome01[]): number {
  checkPairs('brierScore', conf, correct, { unitScores: true });
  let s = 0;
  for (let i = 0; i < conf.length; i++) s += (conf[i]! - correct[i]!) ** 2;
  return s / conf.length;
}

/**
 * Murphy's decomposition of the Brier score over the same equal-width bins as the reliability diagram:
 * BS = reliability − resolution + uncertainty (+ residual), with
 * - reliability = Σ (n_b/N)(conf_b − acc_b)²: how far each bin's confidence is from its hit rate (lower is better);
 * - resolution = Σ (n_b/N)(acc_b − ō)²: how far the bins' hit rates spread around the base rate ō (higher is better:
 *   0 means confidence never tells a likely hit from a likely miss);
 * - uncertainty = ō(1 − ō): the score of always forecasting the base rate, fixed by the data.
 * `residual` is what binning leaves out (the spread of confidence inside a bin); it is 0 when every bin holds one
 * confidence value.
 */
export interface BrierDecomposition {
  brier: number;
  reliability: number;
  resolution: number;
  uncertainty: number;
  residual: number;
  base_rate: number;
}

export function brierDecomposition(conf: readonly number[], correct: readonly Outcome01[], bins = DEFAULT_BINS): BrierDecomposition {
  const brier = brierScore(conf, correct);
  const n = conf.length;
  const baseRate = correct.reduce<number>((a, b) => a + b, 0) / n;
  let reliability = 0;
  let resolution = 0;
  for (const b of reliabilityBins(conf, correct, bins)) {
    if (b.count === 0) continue;
    const w = b.count / n;
    reliability += w * (b.mean_confidence! - b.accuracy!) ** 2;
    resolution += w * (b.accuracy! - baseRate) ** 2;
  }
  const uncertainty = baseRate * (1 - baseRate);
  return { brier, reliability, resolution, uncertainty, residual: brier - (reliability - resolution + uncertainty), base_rate: baseRate };
}

/**
 * Area under the ROC curve of confidence as a score for "this signal's direction was right": the probability that a
 * right signal has a higher confidence than a wrong one (ties count half). 0.5 = no information; null when all
 * signals were right or all wrong.
 */
export function confidenceAuc(conf: readonly number[], correct: readonly Outcome01[]): number | null {
  checkPairs('confidenceAuc', conf, correct, { unitScores: true });
  const pos = correct.filter((y) => y === 1).length;
  const neg = correct.length - pos;
  if (pos === 0 || neg === 0) return null;
  // Mann-Whitney U from average ranks (ties share their mean rank).
  const order = conf.map((c, i) => ({ c, y: correct[i]! })).sort((a, b) => a.c - b.c);
  let rankSumPos = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]!.c === order[i]!.c) j++;
    const meanRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (order[k]!.y === 1) rankSumPos += meanRank;
    i = j + 1;
  }
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** How spread out the confidences are: the histogram over the bins, their standard deviation, the fullest bin. */
export interface Sharpness {
  histogram: { lo: number; hi: number; count: number }[];
  std: number;
  /** Share of all signals in the most populated bin. */
  top_bin_share: number;
  top_bin: { lo: number; hi: number };
}

export function sharpness(conf: readonly number[], bins = DEFAULT_BINS): Sharpness {
  if (conf.length === 0) throw new CalibrationInputError('sharpness needs at least one confidence');
  const histogram = reliabilityBins(
    conf,
    conf.map(() => 0 as const),
    bins,
  ).map((b) => ({ lo: b.lo, hi: b.hi, count: b.count }));
  const mean = conf.reduce((a, b) => a + b, 0) / conf.length;
  const std = Math.sqrt(conf.reduce((a, c) => a + (c - mean) ** 2, 0) / conf.length);
  const top = histogram.reduce((a, b) => (b.count > a.count ? b : a));
  return { histogram, std, top_bin_share: top.count / conf.length, top_bin: { lo: top.lo, hi: top.hi } };
}

/**
 * Confidence carries information when it ranks right signals above wrong ones: AUC at least `aucBand` away from 0.5.
 * It has collapsed to the base rate when, carrying none, it also sits in one place: most signals in one bin. A low ECE is then no praise: forecasting the base rate for
 * everything is perfectly calibrated and useless.
 */
export const COLLAPSE = { aucBand: 0.05, topBinShare: 0.8 } as const;

export interface CalibrationSummary extends BrierDecomposition {
  auc: number | null;
  sharpness: Sharpness;
  /** AUC at least COLLAPSE.aucBand away from 0.5: confidence tells right signals from wrong ones. */
  informative: boolean;
  /** Not informative, and bunched at the base rate (see COLLAPSE). */
  collapsed: boolean;
  /** The finding in words, for reports. */
  verdict: string;
}

export function calibrationSummary(conf: readonly number[], correct: readonly Outcome01[], bins = DEFAULT_BINS): CalibrationSummary {
  const d = brierDecomposition(conf, correct, bins);
  const auc = confidenceAuc(conf, correct);
  const s = sharpness(conf, bins);
  const resShare = d.uncertainty > 0 ? d.resolution / d.uncertainty : 0;
  const informative = auc !== null && Math.abs(auc - 0.5) >= COLLAPSE.aucBand;
  const collapsed = !informative && s.top_bin_share >= COLLAPSE.topBinShare;
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const aucText = auc === null ? 'AUC undefined (all right or all wrong)' : `AUC ${auc.toFixed(3)}`;
  const where = `${pct(s.top_bin_share)} of ${conf.length} signals in one bin [${s.top_bin.lo.toFixed(2)}, ${s.top_bin.hi.toFixed(2)})`;
  const figures = `resolution ${d.resolution.toFixed(4)} = ${pct(resShare)} of the uncertainty ${d.uncertainty.toFixed(4)}`;
  const verdict = collapsed
    ? `Calibration collapsed confidence to the base rate (${pct(d.base_rate)}): ${where}, ${figures}, ${aucText}. Confidence ` +
      `carries (almost) no information about which signals are right; a low ECE here only says the average is right.`
    : !informative
      ? `Confidence carries (almost) no information about which signals are right: ${aucText}, ${figures}, although it is ` +
        `spread out (${where}).`
      : `Confidence carries information: ${aucText}, ${figures}; ${where}.`;
  return { ...d, auc, sharpness: s, informative, collapsed, verdict };
}
