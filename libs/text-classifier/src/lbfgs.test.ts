import { describe, expect, it } from 'vitest';
import { minimizeLbfgs } from './lbfgs.ts';

describe('minimizeLbfgs', () => {
  it('finds the minimum of a convex quadratic', () => {
    // f(x) = (x0 - 3)^2 + 10 (x1 + 1)^2
    const res = minimizeLbfgs(
      (x, g) => {
        const a = (x[0] as number) - 3;
        const b = (x[1] as number) + 1;
        g[0] = 2 * a;
        g[1] = 20 * b;
        return a * a + 10 * b * b;
      },
      new Float64Array(2),
      { maxIter: 100, memory: 5, gradTol: 1e-9, relTol: 0 },
    );
    expect(res.converged).toBe(true);
    expect(res.x[0]).toBeCloseTo(3, 6);
    expect(res.x[1]).toBeCloseTo(-1, 6);
  });
});
