import { describe, expect, it } from 'vitest';
import { InvalidNumberError } from '@himari/numeric';
import { numFlag, UsageError } from './context.ts';

describe('numFlag', () => {
  it('passes a number in range and leaves an absent flag undefined', () => {
    expect(numFlag('7', 'seed', { integer: true, min: 0 })).toBe(7);
    expect(numFlag(undefined, 'seed')).toBeUndefined();
  });

  it('refuses NaN, junk and out-of-range values as a usage error naming the flag, keeping the cause', () => {
    for (const [v, range] of [
      ['abc', {}],
      ['NaN', {}],
      ['10x', {}],
      ['-1', { min: 0 }],
      ['0.5', { integer: true }],
      ['70000', { max: 65535 }],
    ] as const) {
      let err: unknown;
      try {
        numFlag(v, 'metrics-port', range);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(/^--metrics-port must be /);
      expect((err as Error).cause).toBeInstanceOf(InvalidNumberError);
    }
  });
});
