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

export interface NbOvrTrainOptions {
  classes: number;
  l2: number;
  maxIter: number;
  /** Interpolation β of Wang & Manning's NBSVM: each feature is scaled by 1 − β + β·|r| (β = 1: pure NB scaling). */
  nbInterpolation: number;
  /** Laplace smoothing α of the NB counts. */
  nbAlpha: number;
  /** `balanced` reweighs each one-vs-rest problem to equal positive and negative mass. */
  classWeight: 'none' | 'balanced';
  onIter?: (iter: number, loss: number) => void;
}

/**
 * NB-weighted one-vs-rest logistic regression (NBSVM-style; Wang & Manning 2012, "Baselines and Bigrams"). For each
 * class c a feature is scaled by its naive-Bayes log-count ratio between c and the rest (interpolated towards 1),
 * and a binary logistic regression is fitted on the scaled features. Both steps are linear in the input, so the K
 * binary models fold back into one softmax-shaped weight table: W[f, c] = s_c(f) · w_c(f), bias b_c. Scoring is then
 * exactly the plain model's (same file format, same speed); softmax over the K one-vs-rest log-odds gives the
 * probabilities, which J4 calibrates downstream.
 */
export function trainNbOvr(X: CsrMatrix, y: Uint8Array, opts: NbOvrTrainOptions): SoftmaxTrainResult {
  const K = opts.classes;
  const F = X.cols;
  const out: SoftmaxWeights = { classes: K, features: F, weights: new Float64Array(F * K), bias: new Float64Array(K) };
  let loss = 0;
  let iterations = 0;
  let converged = true;
  for (let c = 0; c < K; c++) {
    const scale = nbScale(X, y, c, opts.nbAlpha, opts.nbInterpolation);
    const values = new Float64Array(X.values.length);
    for (let p = 0; p < values.length; p++) values[p] = (X.values[p] as number) * (scale[X.indices[p] as number] as number);
    const yb = Uint8Array.from(y, (l) => (l === c ? 1 : 0));
    const res = trainSoftmax({ ...X, values }, yb, {
      classes: 2,
      l2: opts.l2,
      maxIter: opts.maxIter,
      sampleWeight: opts.classWeight === 'balanced' ? binaryBalanced(yb) : null,
      ...(opts.onIter ? { onIter: opts.onIter } : {}),
    });
    // A two-class softmax is a logistic regression on the difference of its two columns.
    const w = res.model.weights;
    for (let f = 0; f < F; f++) out.weights[f * K + c] = (scale[f] as number) * ((w[f * 2 + 1] as number) - (w[f * 2] as number));
    out.bias[c] = (res.model.bias[1] as number) - (res.model.bias[0] as number);
    loss += res.loss / K;
    iterations += res.iterations;
    converged &&= res.converged;
  }
  return { model: out, loss, iterations, converged };
}

/** 1 − β + β·|log((p_f/‖p‖₁) / (q_f/‖q‖₁))| with p, q the α-smoothed document counts of class c and of the rest. */
function nbScale(X: CsrMatrix, y: Uint8Array, c: number, alpha: number, beta: number): Float64Array {
  const F = X.cols;
  const p = new Float64Array(F).fill(alpha);
  const q = new Float64Array(F).fill(alpha);
  for (let i = 0; i < X.rows; i++) {
    const target = y[i] === c ? p : q;
    for (let k = X.rowPtr[i] as number; k < (X.rowPtr[i + 1] as number); k++) {
      const f = X.indices[k] as number;
      target[f] = (target[f] as number) + 1;
    }
  }
  let sp = 0;
  let sq = 0;
  for (let f = 0; f < F; f++) {
    sp += p[f] as number;
    sq += q[f] as number;
  }
  const out = new Float64Array(F);
  for (let f = 0; f < F; f++) out[f] = 1 - beta + beta * Math.abs(Math.log((p[f] as number) / sp / ((q[f] as number) / sq)));
  return out;
}

function binaryBalanced(yb: Uint8Array): Float64Array {
  let pos = 0;
  for (const v of yb) pos += v;
  const neg = yb.length - pos;
  return Float64Array.from(yb, (v) => yb.length / (2 * Math.max(1, v ? pos : neg)));
}
