import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { formatLogLine, prettyDestination } from './pretty.ts';

describe('formatLogLine', () => {
  it('puts time, level, actor and message first, then the other fields as key=value', () => {
    const line = formatLogLine(
      JSON.stringify({
        level: 40,
        time: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
        pid: 1,
        actor: 'himari-run',
        stage: 'ingestor',
        msg: 'slow',
        ms: 12,
        why: 'a b',
      }),
    );
    expect(line).toBe('03:04:05.678 WARN  himari-run/ingestor: slow ms=12 why="a b"');
  });

  it('passes a line that is not JSON through unchanged', () => {
    expect(formatLogLine('plain text\n')).toBe('plain text');
  });

  it('turns what pino writes into one readable line per record', () => {
    const lines: string[] = [];
    const log = pino(
      { base: { actor: 'x' } },
      prettyDestination((l) => lines.push(l)),
    );
    log.info({ n: 1 }, 'one');
    log.error('two');
    expect(lines).toHaveLength(2);
    expect(lines[0]!.endsWith(' INFO  x: one n=1\n')).toBe(true);
    expect(lines[1]!.endsWith(' ERROR x: two\n')).toBe(true);
  });
});
