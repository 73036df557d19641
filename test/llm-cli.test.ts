/** `himari finetune prepare` and `himari rlmf` as a user runs them. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Experience } from '@himari/cot';
import { experienceToJsonl } from '@himari/cot/offline';
import { sharedDataPath } from '@himari/config/testing';
import { mulberry32 } from '@himari/numeric';
import { HIMARI_BIN, ROOT } from './support/env.ts';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'himari-llm-cli-'));
const STOCKNET = sharedDataPath('stocknet');
const himari = (args: string[]) => exec(process.execPath, [HIMARI_BIN, ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });

describe('himari finetune prepare', () => {
  it('writes one prompt/completion pair per labelled row', async () => {
    const csv = join(dir, 'tfns.csv');
    writeFileSync(csv, 'text,label\n$AAPL beats,1\nTesla recall,0\nFed holds,2\n');
    const out = join(dir, 'sft.jsonl');
    const { stderr } = await himari(['finetune', 'prepare', '--data', csv, '--out', out]);
    expect(stderr).toContain('3 pairs (tfns, format json)');
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { prompt: string; completion: string });
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[1]!.completion).direction).toBe('SELL');
  });
});

describe('himari rlmf replay', () => {
  it('reports the policy reward before and after updates on held-out experience', async () => {
    // A recorded history where the signal is right when `surprise` is positive: learnable.
    const rand = mulberry32(5);
    const xs: Experience[] = Array.from({ length: 600 }, (_, i) => {
      const s = rand() < 0.5 ? 1 : -1;
      const surprise = rand() * 2 - 1;
      const right = surprise > 0 ? rand() < 0.85 : rand() < 0.15;
      return {
        signal_id: `x${i}`,
        asset: 'X',
        at: i * 60_000,
        input: {
          signalDirection: s,
          signalConfidence: 0.7,
          factors: { news_sentiment: 0.3 * s, surprise, market_trend: 0, impact: 0.5, uncertainty: 0.2 },
        },
        realised_return: (right ? s : -s) * 0.01,
      } as Experience;
    });
    const file = join(dir, 'exp.jsonl');
    writeFileSync(file, experienceToJsonl(xs));
    const json = join(dir, 'replay.json');
    const { stdout } = await himari(['rlmf', 'replay', '--experience', file, '--lr', '0.2', '--json', json]);
    expect(stdout).toMatch(/before updates: expected -?\d/);
    const r = JSON.parse(readFileSync(json, 'utf8')) as {
      before: { expected: number };
      after: { expected: number };
      baselines: { follow_signal: number };
    };
    expect(r.after.expected).toBeGreaterThan(r.before.expected + 0.1);
    expect(r.after.expected).toBeGreaterThan(r.baselines.follow_signal);
  });
});

describe.skipIf(!existsSync(STOCKNET))('himari rlmf build-experience (StockNet, ../shared/data)', () => {
  it('joins a ticker’s trading days of tweets to next-day returns', async () => {
    const out = join(dir, 'aapl.jsonl');
    const { stderr } = await himari(['rlmf', 'build-experience', '--stocknet', STOCKNET, '--out', out, '--tickers', 'AAPL']);
    const n = Number(/(\d+) experiences/.exec(stderr)?.[1]);
    expect(n).toBeGreaterThan(300);
    const first = JSON.parse(readFileSync(out, 'utf8').split('\n')[0]!) as Experience;
    expect(first.signal_id).toMatch(/^stocknet:AAPL:2014-01-/);
    expect(Math.abs(first.realised_return)).toBeLessThan(0.2);
  });
});
