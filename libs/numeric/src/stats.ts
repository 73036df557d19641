/**
 * The q-quantile by nearest rank: the smallest value with at least q·n values at or below it, so p99 of 100
 * timings is the 99th smallest, and every answer is a value that was observed. NaN for no values. Sorts a copy.
 */
export function quantile(values: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}
