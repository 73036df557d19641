/**
 * `himari up` on a developer's laptop: nine child processes against the shared NATS and Redis, log lines prefixed
 * with their actor, items published by `himari run --external` come back as signals, SIGTERM drains all nine.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { STAGES } from '@himari/contracts';
import { cleanup } from './support/cleanup.ts';
import { HIMARI_BIN, NATS_URL, REDIS_URL, ROOT, uniquePrefixes, waitFor } from './support/env.ts';

const exec = promisify(execFile);
const prefixes = uniquePrefixes();
const env = { ...process.env, HIMARI_REDIS_KEY_PREFIX: prefixes.keys, HIMARI_LOG_LEVEL: 'info' };
afterAll(() => cleanup(prefixes), 30_000);

describe('himari up', () => {
  it('starts the nine actors with prefixed logs; they exchange messages; SIGTERM drains them all', async () => {
    const up = spawn(process.execPath, [HIMARI_BIN, 'up', '--nats', NATS_URL, '--redis', REDIS_URL, '--prefix', prefixes.bus], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const lines: string[] = [];
    let buf = '';
    up.stderr!.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      const parts = buf.split('\n');
      buf = parts.pop()!;
      lines.push(...parts);
    });
    const exited = new Promise<number | null>((resolve) => up.once('exit', (code) => resolve(code)));
    try {
      await waitFor(() => lines.some((l) => /^himari up: 9 actors serving/.test(l)), 90_000, { message: 'nine actors serving' });
      for (const stage of STAGES) expect(lines.some((l) => l.startsWith(stage) && l.includes(' | {'))).toBe(true);

      const dir = mkdtempSync(join(tmpdir(), 'himari-up-'));
      const samples = readFileSync(join(ROOT, 'samples/news.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, 30);
      writeFileSync(join(dir, 'in.jsonl'), samples.join('\n') + '\n');
      const run = await exec(
        process.execPath,
        [
          HIMARI_BIN,
          'run',
          '--input',
          join(dir, 'in.jsonl'),
          '--nats',
          NATS_URL,
          '--redis',
          REDIS_URL,
          '--prefix',
          prefixes.bus,
          '--external',
        ],
        { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 },
      );
      expect(run.stderr).toMatch(/himari run: 30 items, 30 signals, 0 rejected/);
    } finally {
      up.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(lines.filter((l) => l.includes('"msg":"stopped"'))).toHaveLength(9);
    expect(lines.at(-1)).toBe('himari up: all actors stopped');
  }, 180_000);
});
