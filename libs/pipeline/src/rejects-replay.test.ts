import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseRejects, rejectedLines, RejectsFileError } from './rejects-replay.ts';

const input = [
  '{"id":"a","text":"x","asset":"BTC"}',
  '',
  '{"id":"b","text":"y","asset":"ETH"}',
  '{not json',
  '{"id":"d","text":"z","asset":"SOL"}',
].join('\n');
const rejects = [
  { line: 3, id: 'b', stage: 'ingestor', code: 'too_large', reason: 'r' },
  { line: 4, stage: 'ingestor', code: 'invalid_json', reason: 'r' },
  { line: 5, id: 'd', stage: 'calibrator', code: 'max_deliveries', reason: 'r' },
];
const file = rejects.map((r) => JSON.stringify(r)).join('\n') + '\n';
const text = (lines: Uint8Array[]): string[] => lines.map((l) => Buffer.from(l).toString('utf8'));

describe('replaying the rejects of himari run', () => {
  it('reads the rejects file and refuses a line that is not one, by number', () => {
    expect(parseRejects(file)).toEqual(rejects);
    expect(() => parseRejects(`${file}{"line":0,"stage":"x","code":"c","reason":"r"}\n`)).toThrow(/rejects line 4/);
    expect(() => parseRejects('nope\n')).toThrow(RejectsFileError);
  });

  it('gives the original lines of the matching rejects, byte for byte, in input order', async () => {
    expect(text(await rejectedLines(Readable.from([Buffer.from(input)]), rejects))).toEqual([
      '{"id":"b","text":"y","asset":"ETH"}',
      '{not json',
      '{"id":"d","text":"z","asset":"SOL"}',
    ]);
    expect(text(await rejectedLines(Readable.from([Buffer.from(input)]), rejects, { stage: 'ingestor', code: 'too_large' }))).toEqual([
      '{"id":"b","text":"y","asset":"ETH"}',
    ]);
  });

  it('refuses an input that is not the one behind the rejects', async () => {
    const other = input.replace('"id":"b"', '"id":"B"');
    await expect(rejectedLines(Readable.from([Buffer.from(other)]), rejects)).rejects.toThrow(/line 3 carries id "B"/);
    await expect(rejectedLines(Readable.from([Buffer.from('{"id":"a"}\n')]), rejects)).rejects.toThrow(/no line 3/);
  });
});
