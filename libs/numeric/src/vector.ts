/** Any dense vector: the encoders hand out Float32Array, the optimiser works in Float64Array. */
export type NumericArray = ArrayLike<number>;

/**
 * Inner product over the first `n` elements (default: the shorter length), reading `a` from `offsetA`: a row of a
 * row-major matrix is scored in place, without a subarray per row in the hot loop of a flat search.
 */
export function dot(a: NumericArray, b: NumericArray, n = Math.min(a.length, b.length), offsetA = 0): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[offsetA + i] as number) * (b[i] as number);
  return s;
}
