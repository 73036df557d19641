import { describe, expect, it } from 'vitest';
import { RecentVectors } from './recent-vectors.ts';

const v = (x: number): Float32Array => Float32Array.of(x, 0);
const ids = (it: Iterable<{ rowid: number }>): number[] => [...it].map((e) => e.rowid).sort((a, b) => a - b);

describe('RecentVectors', () => {
  it('answers windows inside its floor, by asset or for all, and declines older ones', () => {
    const r = new RecentVectors(100);
    expect(r.covers(0)).toBe(false);
    r.add(1, 'AAPL', 1000, v(1));
    r.add(2, 'MSFT', 1050, v(2));
    r.add(3, 'AAPL', 1100, v(3));
    expect(r.floor()).toBe(1000);
    expect(r.covers(1000)).toBe(true);
    expect(r.covers(999)).toBe(false);
    expect(r.covers(undefined)).toBe(false);
    expect(ids(r.matching(undefined, 1000))).toEqual([1, 2, 3]);
    expect(ids(r.matching('AAPL', 1000))).toEqual([1, 3]);
    expect(ids(r.matching('AAPL', 1001))).toEqual([3]);
    expect(ids(r.matching('TSLA', 1000))).toEqual([]);
  });

  it('drops what falls behind the floor, never what is still inside it', () => {
    const r = new RecentVectors(10);
    for (let i = 0; i < 5000; i++) r.add(i, i % 2 ? 'A' : 'B', i, v(i));
    expect(r.size()).toBeLessThan(1100);
    expect(ids(r.matching(undefined, r.floor()))).toEqual(Array.from({ length: 11 }, (_, k) => 4989 + k));
    expect(ids(r.matching('A', r.floor()))).toEqual([4989, 4991, 4993, 4995, 4997, 4999]);
  });

  it('ignores a late item older than the floor, and forgets removed rows', () => {
    const r = new RecentVectors(10);
    r.add(1, 'A', 100, v(1));
    r.add(2, 'A', 50, v(2));
    r.add(3, 'A', 95, v(3));
    expect(ids(r.matching('A', 90))).toEqual([1, 3]);
    r.remove([3]);
    expect(ids(r.matching('A', 90))).toEqual([1]);
    expect(ids(r.matching(undefined, 90))).toEqual([1]);
  });
});
