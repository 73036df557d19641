import { minimizeLbfgs } from './lbfgs.ts';
import type { CsrMatrix, SparseVector } from './features.ts';

/**
 * Multinomial (softmax) logistic regression. Weights are feature-major (`W[f * K + c]`) so that scoring one feature
 * reads K neighbouring numbers.
 */
export interface SoftmaxWeights {
  classes: number;
  features: number;
  weights: Float64Array;
  bias: Float64Array;
}

export interface SoftmaxTrainOptions {
  classes: number;
  /** L2 penalty on the weights (not the bias): objective = mean weighted cross-entropy + l2/2 * ||W||². */
  l2: number;
  maxIter: number;
  /** Per-example weights (class weighting); null = all 1. */
  sampleWeight: Float64Array | null;
  onIter?: (iter: number, loss: number) => void;
}

export interface SoftmaxTrainResult {
  model: SoftmaxWeights;
  loss: number;
  iterations: number;
  converged: boolean;
}

/** In-place softmax of z[0..k); returns nothing, z becomes probabilities. Subtracts the max for stability. */
export function softmaxInPlace(z: Float64Array, k: number): void {
  let m = z[0] as number;
  for (let c = 1; c < k; c++) m = Math.max(m, z[c] as number);
  let s = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp((z[c] as number) - m);
    z[c] = e;
    s += e;
  }
  for (let c = 0; c < k; c++) z[c] = (z[c] as number) / s;
}

export function trainSoftmax(X: CsrMatrix, y: Uint8Array, opts: SoftmaxTrainOptions): SoftmaxTrainResult {
  const K = opts.classes;
  const F = X.cols;
  const nW = F * K;
  const { rowPtr, indices, values } = X;
  const sw = opts.sampleWeight;
  let totalWeight = 0;
  for (let i = 0; i < X.rows; i++) totalWeight += sw ? (sw[i] as number) : 1;
  const z = new Float64Array(K);

  const objective = (x: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < X.rows; i++) {
      const start = rowPtr[i] as number;
      const end = rowPtr[i + 1] as number;
      for (let c = 0; c < K; c++) z[c] = x[nW + c] as number;
      for (let p = start; p < end; p++) {
        const base = (indices[p] as number) * K;
        const v = values[p] as number;
        for (let c = 0; c < K; c++) z[c] = (z[c] as number) + v * (x[base + c] as number);
      }
      softmaxInPlace(z, K);
      const yi = y[i] as number;
      const w = (sw ? (sw[i] as number) : 1) / totalWeight;
      loss -= w * Math.log(Math.max(z[yi] as number, 1e-300));
      // z now holds the residual p - onehot(y), scaled by the example weight.
      for (let c = 0; c < K; c++) z[c] = w * ((z[c] as number) - (c === yi ? 1 : 0));
      for (let p = start; p < end; p++) {
        const base = (indices[p] as number) * K;
        const v = values[p] as number;
        for (let c = 0; c < K; c++) grad[base + c] = (grad[base + c] as number) + v * (z[c] as number);
      }
      for (let c = 0; c < K; c++) grad[nW + c] = (grad[nW + c] as number) + (z[c] as number);
    }
    let sq = 0;
    for (let j = 0; j < nW; j++) {
      const wj = x[j] as number;
      sq += wj * wj;
      grad[j] = (grad[j] as number) + opts.l2 * wj;
    }
    return loss + 0.5 * opts.l2 * sq;
  };

  const res = minimizeLbfgs(objective, new Float64Array(nW + K), {
    maxIter: opts.maxIter,
    memory: 10,
    gradTol: 1e-6,
    relTol: 1e-9,
    ...(opts.onIter ? { onIter: opts.onIter } : {}),
  });
  return {
    model: { classes: K, features: F, weights: res.x.slice(0, nW), bias: res.x.slice(nW) },
    loss: res.f,
    iterations: res.iterations,
    converged: res.converged,
  };
}

/** Class probabilities of one sparse vector, written into `out` (length K). */
export function predictProba(m: SoftmaxWeights, v: SparseVector, out: Float64Array): Float64Array {
  const K = m.classes;
  for (let c = 0; c < K; c++) out[c] = m.bias[c] as number;
  for (let p = 0; p < v.indices.length; p++) {
    const base = (v.indices[p] as number) * K;
    const x = v.values[p] as number;
    for (let c = 0; c < K; c++) out[c] = (out[c] as number) + x * (m.weights[base + c] as number);
  }
  softmaxInPlace(out, K);
  return out;
}
