import { describe, expect, it } from 'vitest';
import { parsePublishedAt } from './timestamp.ts';

const ms = (v: unknown): number | string => {
  const r = parsePublishedAt(v);
  return r.ok ? r.ms : `error: ${r.why}`;
};

describe('parsePublishedAt', () => {
  it('reads ISO-8601 with and without zone, fraction and seconds', () => {
    expect(ms('2024-03-01T12:00:00Z')).toBe(Date.UTC(2024, 2, 1, 12));
    expect(ms('2024-03-01T12:00:00.5Z')).toBe(Date.UTC(2024, 2, 1, 12, 0, 0, 500));
    expect(ms('2024-03-01T12:00:00.123456789Z')).toBe(Date.UTC(2024, 2, 1, 12, 0, 0, 123));
    expect(ms('2024-03-01T12:00')).toBe(Date.UTC(2024, 2, 1, 12));
    expect(ms('2024-03-01T12:00:00-05:00')).toBe(Date.UTC(2024, 2, 1, 17));
    expect(ms('2024-03-01T12:00:00+0100')).toBe(Date.UTC(2024, 2, 1, 11));
    expect(ms('2024-03-01T12:00:00+01')).toBe(Date.UTC(2024, 2, 1, 11));
    expect(ms('2024-03-01t12:00:00z')).toBe(Date.UTC(2024, 2, 1, 12));
  });

  it('tells epoch seconds from epoch milliseconds', () => {
    expect(ms(1_700_000_000)).toBe(1_700_000_000_000);
    expect(ms(1_700_000_000.25)).toBe(1_700_000_000_250);
    expect(ms(1_700_000_000_000)).toBe(1_700_000_000_000);
    expect(ms(0)).toBe(0);
  });

  it('refuses impossible calendar dates and times, and bad zones', () => {
    for (const s of [
      '2023-02-29',
      '2024-04-31',
      '2024-00-10',
      '2024-13-01',
      '2024-01-01T25:00Z',
      '2024-01-01T10:60Z',
      '2024-01-01T10:00:00+99:00',
    ]) {
      expect(ms(s)).toMatch(/^error: /);
    }
    expect(ms('2000-02-29')).toBe(Date.UTC(2000, 1, 29));
    expect(ms('1900-02-29')).toMatch(/not a calendar date/);
  });

  it('refuses other types and formats', () => {
    for (const v of ['Mar 1, 2024', '', '2024/03/01', -1, Number.NaN, 9e15, true, [], {}]) expect(ms(v)).toMatch(/^error: /);
  });
});
