/**
 * Just enough dense/sparse linear algebra for a randomized truncated SVD (Halko, Martinsson & Tropp 2011) of a
 * TF-IDF matrix, in plain TypeScript: the encoder is trained once, offline, and must not need a native library.
 * Dense matrices are row-major Float64Array (training precision); the trained projection is stored as int8.
 */
import { mulberry32 } from '@himari/numeric';

/** CSR sparse matrix (rows × cols). */
export interface Csr {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

export interface Dense {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function dense(rows: number, cols: number): Dense {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function gaussianMatrix(rows: number, cols: number, rand: () => number): Dense {
  const m = dense(rows, cols);
  for (let i = 0; i < m.data.length; i += 2) {
    // Box-Muller: two normals per two uniforms.
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    m.data[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < m.data.length) m.data[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return m;
}

/** A · B with A sparse (n × f) and B dense (f × k): n × k. */
export function csrTimesDense(a: Csr, b: Dense): Dense {
  if (a.cols !== b.rows) throw new RangeError(`shape mismatch: ${a.rows}x${a.cols} · ${b.rows}x${b.cols}`);
  const k = b.cols;
  const out = dense(a.rows, k);
  for (let i = 0; i < a.rows; i++) {
    const o = i * k;
    for (let p = a.indptr[i]!; p < a.indptr[i + 1]!; p++) {
      const v = a.values[p]!;
      const r = a.indices[p]! * k;
      for (let j = 0; j < k; j++) out.data[o + j]! += v * b.data[r + j]!;
    }
  }
  return out;
}

/** Aᵀ · B with A sparse (n × f) and B dense (n × k): f × k. */
export function csrTransposeTimesDense(a: Csr, b: Dense): Dense {
  if (a.rows !== b.rows) throw new RangeError(`shape mismatch: (${a.rows}x${a.cols})ᵀ · ${b.rows}x${b.cols}`);
  const k = b.cols;
  const out = dense(a.cols, k);
  for (let i = 0; i < a.rows; i++) {
    const r = i * k;
    for (let p = a.indptr[i]!; p < a.indptr[i + 1]!; p++) {
      const v = a.values[p]!;
      const o = a.indices[p]! * k;
      for (let j = 0; j < k; j++) out.data[o + j]! += v * b.data[r + j]!;
    }
  }
  return out;
}

/**
 * Orthonormalises the columns of m in place by symmetric (Löwdin) orthogonalisation, M ← M · V Λ^-½ from
 * eig(MᵀM), done twice because one pass squares the condition number. Row-major friendly (no strided column walks,
 * which made Gram-Schmidt ten times slower on tall matrices); directions with a negligible eigenvalue (rank
 * deficiency) become zero columns rather than amplified noise.
 */
export function orthonormalizeColumns(m: Dense): void {
  for (let pass = 0; pass < 2; pass++) {
    const { values, vectors } = symmetricEigen(gram(m));
    const k = m.cols;
    const top = Math.max(values[0] ?? 0, 0);
    const w = dense(k, k);
    for (let j = 0; j < k; j++) {
      const lambda = values[j]!;
      const inv = lambda > top * 1e-12 && lambda > 0 ? 1 / Math.sqrt(lambda) : 0;
      for (let i = 0; i < k; i++) w.data[i * k + j] = vectors.data[i * k + j]! * inv;
    }
    const out = denseTimesDense(m, w);
    m.data.set(out.data);
  }
}

/** A · B, both dense. */
export function denseTimesDense(a: Dense, b: Dense): Dense {
  if (a.cols !== b.rows) throw new RangeError(`shape mismatch: ${a.rows}x${a.cols} · ${b.rows}x${b.cols}`);
  const out = dense(a.rows, b.cols);
  const k = b.cols;
  for (let i = 0; i < a.rows; i++) {
    const o = i * k;
    for (let p = 0; p < a.cols; p++) {
      const v = a.data[i * a.cols + p]!;
      if (v === 0) continue;
      const r = p * k;
      for (let j = 0; j < k; j++) out.data[o + j]! += v * b.data[r + j]!;
    }
  }
  return out;
}

/** Mᵀ · M for a dense M (rows × cols): cols × cols. */
export function gram(m: Dense): Dense {
  const { rows, cols, data } = m;
  const out = dense(cols, cols);
  for (let i = 0; i < rows; i++) {
    const r = i * cols;
    for (let a = 0; a < cols; a++) {
      const va = data[r + a]!;
      if (va === 0) continue;
      for (let b = a; b < cols; b++) out.data[a * cols + b]! += va * data[r + b]!;
    }
  }
  for (let a = 0; a < cols; a++) for (let b = 0; b < a; b++) out.data[a * cols + b] = out.data[b * cols + a]!;
  return out;
}

/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations.
 * Returns eigenvalues in descending order and the matching eigenvectors as columns.
 */
export function symmetricEigen(s: Dense, maxSweeps = 60): { values: Float64Array; vectors: Dense } {
  const n = s.rows;
  const a = Float64Array.from(s.data);
  const v = dense(n, n);
  for (let i = 0; i < n; i++) v.data[i * n + i] = 1;
  let frob = 0;
  for (const x of a) frob += x * x;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    // Relative: a Gram matrix of TF-IDF rows can be large or tiny in absolute terms.
    if (off <= 1e-26 * frob || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - sn * akq;
          a[k * n + q] = sn * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - sn * aqk;
          a[q * n + k] = sn * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v.data[k * n + p]!;
          const vkq = v.data[k * n + q]!;
          v.data[k * n + p] = c * vkp - sn * vkq;
          v.data[k * n + q] = sn * vkp + c * vkq;
        }
      }
    }
  }
  const order = [...Array(n).keys()].sort((x, y) => a[y * n + y]! - a[x * n + x]!);
  const values = Float64Array.from(order, (i) => a[i * n + i]!);
  const vectors = dense(n, n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors.data[k * n + dst] = v.data[k * n + src]!;
  });
  return { values, vectors };
}

export interface TruncatedSvd {
  /** Right singular vectors as columns: cols(A) × k. */
  v: Dense;
  singularValues: Float64Array;
}

/**
 * Top-k right singular vectors of a sparse A by randomized range finding with power iterations:
 * Q = orth((A Aᵀ)^q A Ω); B = Qᵀ A; eig(B Bᵀ) = U Σ² Uᵀ; V = Bᵀ U Σ⁻¹.
 */
export function randomizedSvd(
  a: Csr,
  k: number,
  opts: { oversample?: number; powerIterations?: number; seed?: number } = {},
): TruncatedSvd {
  const l = Math.min(k + (opts.oversample ?? 16), a.rows, a.cols);
  const rand = mulberry32(opts.seed ?? 1);
  let y = csrTimesDense(a, gaussianMatrix(a.cols, l, rand));
  orthonormalizeColumns(y);
  for (let i = 0; i < (opts.powerIterations ?? 3); i++) {
    const z = csrTransposeTimesDense(a, y);
    orthonormalizeColumns(z);
    y = csrTimesDense(a, z);
    orthonormalizeColumns(y);
  }
  // Bᵀ = Aᵀ Q (f × l); B Bᵀ = (Bᵀ)ᵀ Bᵀ.
  const bt = csrTransposeTimesDense(a, y);
  const { values, vectors } = symmetricEigen(gram(bt));
  const kk = Math.min(k, l);
  const v = dense(a.cols, kk);
  const sv = new Float64Array(kk);
  for (let j = 0; j < kk; j++) {
    const sigma = Math.sqrt(Math.max(values[j]!, 0));
    sv[j] = sigma;
    const inv = sigma > 1e-12 ? 1 / sigma : 0;
    for (let f = 0; f < a.cols; f++) {
      let acc = 0;
      const r = f * l;
      for (let q = 0; q < l; q++) acc += bt.data[r + q]! * vectors.data[q * l + j]!;
      v.data[f * kk + j] = acc * inv;
    }
  }
  return { v, singularValues: sv };
}
