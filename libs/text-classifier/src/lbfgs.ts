/**
 * Limited-memory BFGS with a backtracking (Armijo) line search. Full-batch and free of randomness, so the same data
 * gives the same weights bit for bit; for a smooth convex objective such as L2-regularised logistic regression it
 * converges without a learning rate to tune.
 */
import { dot } from '@himari/numeric';

export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  maxIter: number;
  /** Number of (s, y) pairs kept. */
  memory: number;
  /** Stop when max |gradient| falls below this. */
  gradTol: number;
  /** Stop when an iteration improves f by less than relTol * max(1, |f|). */
  relTol: number;
  onIter?: (iter: number, f: number) => void;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}

/** d = -H g by the two-loop recursion over the stored pairs (oldest first). */
function direction(g: Float64Array, s: Float64Array[], y: Float64Array[], rho: number[], d: Float64Array): void {
  const k = s.length;
  const alpha = new Float64Array(k);
  d.set(g);
  for (let i = k - 1; i >= 0; i--) {
    const si = s[i] as Float64Array;
    const yi = y[i] as Float64Array;
    const a = (rho[i] as number) * dot(si, d);
    alpha[i] = a;
    for (let j = 0; j < d.length; j++) d[j] = (d[j] as number) - a * (yi[j] as number);
  }
  if (k > 0) {
    const sl = s[k - 1] as Float64Array;
    const yl = y[k - 1] as Float64Array;
    const gamma = dot(sl, yl) / dot(yl, yl);
    for (let j = 0; j < d.length; j++) d[j] = (d[j] as number) * gamma;
  }
  for (let i = 0; i < k; i++) {
    const si = s[i] as Float64Array;
    const yi = y[i] as Float64Array;
    const b = (rho[i] as number) * dot(yi, d);
    const c = (alpha[i] as number) - b;
    for (let j = 0; j < d.length; j++) d[j] = (d[j] as number) + c * (si[j] as number);
  }
  for (let j = 0; j < d.length; j++) d[j] = -(d[j] as number);
}

export function minimizeLbfgs(fg: Objective, x0: Float64Array, opts: LbfgsOptions): LbfgsResult {
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = fg(x, g);
  let evaluations = 1;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  let xn = new Float64Array(n);
  let gn = new Float64Array(n);
  let iterations = 0;
  let converged = maxAbs(g) <= opts.gradTol;

  while (!converged && iterations < opts.maxIter) {
    iterations++;
    direction(g, S, Y, rho, d);
    let gd = dot(g, d);
    if (!(gd < 0)) {
      // Not a descent direction (curvature information went stale): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let j = 0; j < n; j++) d[j] = -(g[j] as number);
      gd = dot(g, d);
    }
    // Without curvature pairs the direction is the raw gradient; a unit step along it can be far too long.
    let t = S.length === 0 ? 1 / Math.max(1, Math.sqrt(-gd)) : 1;
    let fn = Number.POSITIVE_INFINITY;
    let accepted = false;
    for (let ls = 0; ls < 40; ls++) {
      for (let j = 0; j < n; j++) xn[j] = (x[j] as number) + t * (d[j] as number);
      fn = fg(xn, gn);
      evaluations++;
      if (fn <= f + 1e-4 * t * gd) {
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) break;

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      s[j] = (xn[j] as number) - (x[j] as number);
      y[j] = (gn[j] as number) - (g[j] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > opts.memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    const improvement = f - fn;
    [x, xn] = [xn, x];
    [g, gn] = [gn, g];
    f = fn;
    opts.onIter?.(iterations, f);
    converged = maxAbs(g) <= opts.gradTol || improvement <= opts.relTol * Math.max(1, Math.abs(f));
  }
  return { x, f, iterations, evaluations, converged };
}
