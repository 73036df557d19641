/**
 * The dev loop, as a developer starts it: `nx run-many -t serve` and `himari up` each bring up the nine actors
 * against the shared NATS and Redis, items published by `himari run --external` come back as signals, and a SIGTERM
 * ends them all.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { STAGES } from '@himari/contracts';
import { cleanup } from './support/cleanup.ts';
import { HIMARI_BIN, NATS_URL, REDIS_URL, ROOT, uniquePrefixes, waitFor } from './support/env.ts';

const exec = promisify(execFile);

/** Lines of a child's stdout and stderr, collected as they come. */
function collect(child: ChildProcess): string[] {
  const lines: string[] = [];
  let buf = '';
  const on = (c: Buffer): void => {
    buf += c.toString('utf8');
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  };
  child.stdout?.on('data', on);
  child.stderr?.on('data', on);
  return lines;
}

/** `himari run --external` of the first n sample items on a prefix; its stderr (the summary line). */
async function runExternal(p: { bus: string; keys: string }, n: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'himari-devloop-'));
  const samples = readFileSync(join(ROOT, 'samples/news.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, n);
  writeFileSync(join(dir, 'in.jsonl'), samples.join('\n') + '\n');
  const run = await exec(
    process.execPath,
    [HIMARI_BIN, 'run', '--input', join(dir, 'in.jsonl'), '--nats', NATS_URL, '--redis', REDIS_URL, '--prefix', p.bus, '--external'],
    { cwd: ROOT, env: { ...process.env, HIMARI_REDIS_KEY_PREFIX: p.keys }, maxBuffer: 16 * 1024 * 1024 },
  );
  return run.stderr;
}

describe('nx run-many -t serve', () => {
  const prefixes = uniquePrefixes();
  afterAll(() => cleanup(prefixes), 30_000);

  it('starts all nine actors (serve is a continuous target), and they exchange messages', async () => {
    const nx = spawn(join(ROOT, 'node_modules/.bin/nx'), ['run-many', '-t', 'serve', '--outputStyle=stream'], {
      cwd: ROOT,
      env: {
        ...process.env,
        HIMARI_NATS_URL: NATS_URL,
        HIMARI_REDIS_URL: REDIS_URL,
        HIMARI_NATS_PREFIX: prefixes.bus,
        HIMARI_REDIS_KEY_PREFIX: prefixes.keys,
        HIMARI_LOG_LEVEL: 'info',
        NX_DAEMON: 'false',
        NX_NO_CLOUD: 'true',
        NX_TUI: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: nx and the nine serve tasks are ended together.
      detached: true,
    });
    const lines = collect(nx);
    const exited = new Promise((resolve) => nx.once('exit', resolve));
    const serving = (): Set<string> =>
      new Set(lines.filter((l) => l.includes('"msg":"serving"')).map((l) => /"stage":"([a-z-]+)"/.exec(l)?.[1] ?? '?'));
    try {
      await waitFor(() => serving().size >= STAGES.length, 150_000, { message: 'nine actors serving under nx' });
      expect([...serving()].sort()).toEqual([...STAGES].sort());
      expect(await runExternal(prefixes, 20)).toMatch(/himari run: 20 items, 20 signals, 0 rejected/);
    } finally {
      process.kill(-nx.pid!, 'SIGTERM');
    }
    await exited;
  }, 240_000);
});

describe('himari up', () => {
  const prefixes = uniquePrefixes();
  afterAll(() => cleanup(prefixes), 30_000);

  it('starts the nine actors with prefixed logs; they exchange messages; SIGTERM drains them all', async () => {
    const up = spawn(process.execPath, [HIMARI_BIN, 'up', '--nats', NATS_URL, '--redis', REDIS_URL, '--prefix', prefixes.bus], {
      cwd: ROOT,
      env: { ...process.env, HIMARI_REDIS_KEY_PREFIX: prefixes.keys, HIMARI_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const lines = collect(up);
    const exited = new Promise<number | null>((resolve) => up.once('exit', (code) => resolve(code)));
    try {
      await waitFor(() => lines.some((l) => /^himari up: 9 actors serving/.test(l)), 90_000, { message: 'nine actors serving' });
      for (const stage of STAGES) expect(lines.some((l) => l.startsWith(stage) && l.includes(' | {'))).toBe(true);
      expect(await runExternal(prefixes, 30)).toMatch(/himari run: 30 items, 30 signals, 0 rejected/);
    } finally {
      up.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(lines.filter((l) => l.includes('"msg":"stopped"'))).toHaveLength(9);
    expect(lines.at(-1)).toBe('himari up: all actors stopped');
  }, 180_000);
});
