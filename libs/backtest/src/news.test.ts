import { describe, expect, it } from 'vitest';
import { parseNewsJsonl } from './news.ts';

describe('parseNewsJsonl', () => {
  it('orders items by publish time (file order breaks ties) and keeps the exact bytes of each line', () => {
    const text = [
      '{"id":"b","text":"x","asset":"$aapl","published_at":"2015-01-02T10:00:00Z"}',
      '',
      '{"id":"a","text":"y","asset":"MSFT","published_at":"2015-01-01T10:00:00Z"}',
      '{"id":"c","text":"z","asset":"MSFT","published_at":1420192800}',
      '{"id":"d","text":"no time","asset":"MSFT"}',
      'not json',
    ].join('\n');
    const r = parseNewsJsonl(text);
    expect(r.items.map((i) => [i.id, i.line])).toEqual([
      ['a', 3],
      ['b', 1],
      ['c', 4],
    ]);
    expect(r.items[1]!.asset).toBe('AAPL');
    expect(new TextDecoder().decode(r.items[0]!.bytes)).toBe('{"id":"a","text":"y","asset":"MSFT","published_at":"2015-01-01T10:00:00Z"}');
    expect(r.skipped).toEqual([
      { line: 5, code: 'no_time' },
      { line: 6, code: 'not_json' },
    ]);
  });
});
