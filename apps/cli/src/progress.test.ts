import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countItems, formatSeconds } from './progress.ts';

describe('countItems', () => {
  it('counts the non-blank lines himari run will publish, with or without a final newline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'himari-progress-'));
    writeFileSync(join(dir, 'a.jsonl'), '{"id":"1"}\n\n  \r\n{"id":"2"}\r\nnot json\n');
    writeFileSync(join(dir, 'b.jsonl'), '{"id":"1"}\n{"id":"2"}');
    expect(await countItems(join(dir, 'a.jsonl'))).toBe(3);
    expect(await countItems(join(dir, 'b.jsonl'))).toBe(2);
  });

  it('knows no total for standard input', async () => {
    expect(await countItems('-')).toBeUndefined();
  });
});

describe('formatSeconds', () => {
  it('reads as seconds, minutes or hours', () => {
    expect([formatSeconds(4.4), formatSeconds(75), formatSeconds(3 * 3600 + 5 * 60)]).toEqual(['4s', '1m15s', '3h05m']);
  });
});
