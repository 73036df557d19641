/** Input checks shared by the fitters and metrics: bad data must fail loudly, never bend a map. */

export class CalibrationInputError extends Error {
  override readonly name = 'CalibrationInputError';
  /** The same data fails the same way again. */
  readonly retryable = false;
}

export type Outcome01 = 0 | 1;

export function checkPairs(what: string, scores: readonly number[], outcomes: readonly number[], opts: { unitScores: boolean }): void {
  if (scores.length !== outcomes.length) {
    throw new CalibrationInputError(`${what}: ${scores.length} scores but ${outcomes.length} outcomes`);
  }
  if (scores.length === 0) throw new CalibrationInputError(`${what}: no samples`);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!Number.isFinite(s)) throw new CalibrationInputError(`${what}: score[${i}] is not finite (${s})`);
    if (opts.unitScores && (s < 0 || s > 1)) throw new CalibrationInputError(`${what}: confidence[${i}] = ${s} is outside [0, 1]`);
    const o = outcomes[i];
    if (o !== 0 && o !== 1) throw new CalibrationInputError(`${what}: outcome[${i}] must be 0 or 1, got ${String(o)}`);
  }
}

export function checkUnit(what: string, x: number): number {
  if (!Number.isFinite(x) || x < 0 || x > 1) throw new CalibrationInputError(`${what} must be a finite number in [0, 1], got ${x}`);
  return x;
}

export function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
