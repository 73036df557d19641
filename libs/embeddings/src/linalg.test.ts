import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@himari/numeric';
import { dense, gram, orthonormalizeColumns, randomizedSvd, symmetricEigen, type Csr } from './linalg.ts';

function csrFromDense(rows: number[][]): Csr {
  const indptr = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const r of rows) {
    r.forEach((v, j) => {
      if (v !== 0) {
        indices.push(j);
        values.push(v);
      }
    });
    indptr.push(indices.length);
  }
  return {
    rows: rows.length,
    cols: rows[0]!.length,
    indptr: Int32Array.from(indptr),
    indices: Int32Array.from(indices),
    values: Float32Array.from(values),
  };
}

describe('randomized SVD', () => {
  it('diagonalises a symmetric matrix (Jacobi), eigenvalues descending', () => {
    const s = dense(3, 3);
    s.data.set([2, 1, 0, 1, 2, 0, 0, 0, 5]);
    const { values, vectors } = symmetricEigen(s);
    expect(Array.from(values).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([5, 3, 1]);
    // Columns are unit eigenvectors: S v = λ v.
    for (let j = 0; j < 3; j++) {
      for (let i = 0; i < 3; i++) {
        let sv = 0;
        for (let k = 0; k < 3; k++) sv += s.data[i * 3 + k]! * vectors.data[k * 3 + j]!;
        expect(sv).toBeCloseTo(values[j]! * vectors.data[i * 3 + j]!, 9);
      }
    }
  });

  it('orthonormalises columns and zeroes dependent ones', () => {
    const m = dense(4, 3);
    m.data.set([1, 2, 2, 0, 1, 1, 1, 0, 0, 0, 3, 3]); // third column = second
    orthonormalizeColumns(m);
    const g = gram(m);
    const diag = [0, 1, 2].map((i) => g.data[i * 3 + i]!);
    expect(diag.filter((d) => Math.abs(d - 1) < 1e-9)).toHaveLength(2);
    expect(diag.filter((d) => Math.abs(d) < 1e-9)).toHaveLength(1);
  });

  it('recovers the singular values and right singular vectors of a known low-rank matrix', () => {
    // A = 3·u1 v1ᵀ + 1·u2 v2ᵀ with orthonormal u, v: singular values 3 and 1.
    const rand = mulberry32(5);
    const n = 40;
    const f = 12;
    const u1 = Array.from({ length: n }, () => rand() - 0.5);
    const u2raw = Array.from({ length: n }, () => rand() - 0.5);
    const norm = (v: number[]) => Math.hypot(...v);
    const un1 = u1.map((x) => x / norm(u1));
    const dot12 = u2raw.reduce((s, x, i) => s + x * un1[i]!, 0);
    const u2o = u2raw.map((x, i) => x - dot12 * un1[i]!);
    const un2 = u2o.map((x) => x / norm(u2o));
    const v1 = Array.from({ length: f }, (_, j) => (j < 6 ? 1 : 0) / Math.sqrt(6));
    const v2 = Array.from({ length: f }, (_, j) => (j >= 6 ? 1 : 0) / Math.sqrt(6));
    const rows = Array.from({ length: n }, (_, i) => Array.from({ length: f }, (_, j) => 3 * un1[i]! * v1[j]! + un2[i]! * v2[j]!));
    const { v, singularValues } = randomizedSvd(csrFromDense(rows), 2, { seed: 3, oversample: 4 });
    expect(singularValues[0]).toBeCloseTo(3, 4);
    expect(singularValues[1]).toBeCloseTo(1, 4);
    const col = (k: number) => Array.from({ length: f }, (_, j) => v.data[j * 2 + k]!);
    expect(Math.abs(col(0).reduce((s, x, j) => s + x * v1[j]!, 0))).toBeCloseTo(1, 4);
    expect(Math.abs(col(1).reduce((s, x, j) => s + x * v2[j]!, 0))).toBeCloseTo(1, 4);
  });
});
