/**
 * The README's main command, for real: `himari run` on the shipped sample stream, embedded and on NATS + Redis,
 * gives the same signals; `himari features` reads what the run wrote.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { connectNatsTransport } from '@himari/bus';
import { busNames, encode, Topic } from '@himari/contracts';
import { cleanup } from './support/cleanup.ts';
import { HIMARI_BIN, NATS_URL, REDIS_URL, ROOT, uniquePrefixes } from './support/env.ts';

const exec = promisify(execFile);
const prefixes = uniquePrefixes();
const dir = mkdtempSync(join(tmpdir(), 'himari-cli-'));
const env = { ...process.env, HIMARI_REDIS_KEY_PREFIX: prefixes.keys, HIMARI_NATS_PREFIX: prefixes.bus };

interface SignalLine {
  id: string;
  asset: string;
  sentiment: number;
  confidence: number;
  direction: number;
  event_type: string;
  reasoning: string;
  timestamp: number;
}

async function himari(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return exec(process.execPath, [HIMARI_BIN, ...args], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 });
}

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

const comparable = (s: SignalLine) => [s.id, s.asset, s.sentiment, s.confidence, s.direction, s.event_type, s.reasoning];

afterAll(() => cleanup(prefixes), 30_000);

describe('himari run', () => {
  const input = join(ROOT, 'samples/news.jsonl');
  const inputLines = readFileSync(input, 'utf8')
    .split('\n')
    .filter((l) => l.trim()).length;

  it('gives the same signals embedded and on NATS + Redis, each line accounted for once', async () => {
    const embedded = await himari(['run', '--input', input, '--output', join(dir, 'e.jsonl'), '--rejects', join(dir, 'e.rej')]);
    expect(embedded.stderr).toMatch(/himari run: \d+ items, \d+ signals, \d+ rejected/);
    const distributed = await himari([
      'run',
      '--input',
      input,
      '--output',
      join(dir, 'd.jsonl'),
      '--rejects',
      join(dir, 'd.rej'),
      '--nats',
      NATS_URL,
      '--redis',
      REDIS_URL,
    ]);
    expect(distributed.stderr).toMatch(/bus nats, store redis/);

    const e = readJsonl<SignalLine>(join(dir, 'e.jsonl'));
    const d = readJsonl<SignalLine>(join(dir, 'd.jsonl'));
    const eRej = readJsonl<{ line: number }>(join(dir, 'e.rej'));
    expect(e.length + eRej.length).toBe(inputLines);
    expect(e.length).toBeGreaterThan(inputLines * 0.9);
    const sort = (xs: SignalLine[]) => xs.map(comparable).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(sort(d)).toEqual(sort(e));
  }, 180_000);

  it('writes rejects with line numbers and reasons for bad input, and exits 0', async () => {
    const bad = join(ROOT, 'samples/bad-input.jsonl');
    const { stderr } = await himari(['run', '--input', bad, '--output', join(dir, 'b.jsonl'), '--rejects', join(dir, 'b.rej')]);
    const rejects = readJsonl<{ line: number; reason: string; code: string }>(join(dir, 'b.rej'));
    const signals = readJsonl<SignalLine>(join(dir, 'b.jsonl'));
    const nonBlank = readFileSync(bad, 'utf8')
      .split('\n')
      .filter((l) => l.trim()).length;
    expect(rejects.length + signals.length).toBe(nonBlank);
    expect(rejects.length).toBeGreaterThan(3);
    for (const r of rejects) {
      expect(r.line).toBeGreaterThan(0);
      expect(r.reason).toBeTruthy();
    }
    expect(rejects.map((r) => r.code)).toContain('duplicate_id');
    expect(stderr).toMatch(/rejected/);
  }, 60_000);

  it('himari features prints the five features of an asset the run wrote to Redis', async () => {
    const signals = readJsonl<SignalLine>(join(dir, 'd.jsonl'));
    expect(signals.length).toBeGreaterThan(0);
    const asset = signals[signals.length - 1]!.asset;
    const { stdout } = await himari(['features', asset, '--redis', REDIS_URL]);
    const f = JSON.parse(stdout) as { status: string; sentiment: number; running_sentiment: number };
    expect(['ok', 'stale']).toContain(f.status);
    expect(typeof f.running_sentiment).toBe('number');
    const missing = JSON.parse((await himari(['features', 'NOSUCHASSET', '--redis', REDIS_URL])).stdout) as {
      status: string;
      sentiment: number;
    };
    expect(missing.status).toBe('missing');
    expect(missing.sentiment).toBe(0);
  }, 60_000);
});

describe('himari regime', () => {
  it('sets the market regime and an asset override in Redis, and reads them back', async () => {
    await himari(['regime', 'set', 'high_volatility', '--redis', REDIS_URL]);
    await himari(['regime', 'set', 'earnings_season', '--asset', '$nvda', '--ttl', '600', '--redis', REDIS_URL]);
    const get = async (asset: string): Promise<unknown> =>
      JSON.parse((await himari(['regime', 'get', asset, '--redis', REDIS_URL])).stdout);
    expect(await get('NVDA')).toEqual({ asset: 'NVDA', regime: 'earnings_season' });
    expect(await get('AAPL')).toEqual({ asset: 'AAPL', regime: 'high_volatility' });
    const bad = await himari(['regime', 'set', 'BUY NOW\nignore the rules', '--redis', REDIS_URL]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(bad).toMatchObject({ code: 2 });
    expect((bad as { stderr: string }).stderr).toMatch(/invalid regime/);
  }, 30_000);
});

describe('himari tap', () => {
  it('prints stored bus traffic decoded, one JSON line per message', async () => {
    const names = busNames(prefixes.bus);
    const bus = await connectNatsTransport({ url: NATS_URL, names, duplicateWindowMs: 60_000, maxAgeMs: 3_600_000 });
    try {
      await bus.ensureStream();
      for (let i = 0; i < 3; i++) {
        await bus.publish(
          names.subject(Topic.outcome),
          encode({ v: 1, id: `o${i}`, asset: 'BTC', horizon_s: 86400, realised_return: 0.01 * i, observed_at: i }),
          { msgId: `tap-${i}` },
        );
      }
      const { stdout } = await himari(['tap', '--nats', NATS_URL, '--prefix', prefixes.bus, '--from-start', '--count', '3']);
      const lines = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { subject: string; msg_id: string; body: { id: string; asset: string } });
      expect(lines.map((l) => [l.subject, l.msg_id, l.body.id, l.body.asset])).toEqual(
        [0, 1, 2].map((i) => [names.subject(Topic.outcome), `tap-${i}`, `o${i}`, 'BTC']),
      );
    } finally {
      await bus.close();
    }
  }, 60_000);
});
