/**
 * The commands as a user runs them, on a small synthetic market: `himari backtest` (JSON and HTML),
 * `himari calibrate report` on the ledger it left, and `himari outcomes ingest` into a ledger and onto NATS.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNatsTransport, deleteStream } from '@himari/bus';
import { fakeLmLists, syntheticMarket, yahooCsv } from '@himari/backtest/testing';
import { busNames, Topic } from '@himari/contracts';
import { Ledger } from '@himari/outcomes';
import { HIMARI_BIN, NATS_URL, ROOT, uniquePrefixes, writeConfig } from './support/env.ts';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'himari-bt-'));
const prefixes = uniquePrefixes();
const env = { ...process.env, HIMARI_LOG_LEVEL: 'error' };
const config = writeConfig(`himari:
  sentiment:
    backend: lexicon
  calibration:
    min_samples: 10
    refit_every: 5
    backtest:
      random_seeds: 3
`);

async function himari(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return exec(process.execPath, [HIMARI_BIN, ...args], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 });
}

const market = syntheticMarket({ assets: 10, sessions: 60, seed: 5 });
const prices = join(dir, 'prices');
const lm = join(dir, 'lm');
const news = join(dir, 'news.jsonl');

beforeAll(() => {
  mkdirSync(prices);
  mkdirSync(lm);
  for (const a of market.assets) writeFileSync(join(prices, `${a}.csv`), yahooCsv(market.bars.filter((b) => b.asset === a)));
  const lists = fakeLmLists();
  writeFileSync(join(lm, 'LM2018_Positive.txt'), lists.positive);
  writeFileSync(join(lm, 'LM2018_Negative.txt'), lists.negative);
  writeFileSync(
    news,
    ['{"id":"no-time","text":"undated","asset":"SYN01"}', ...market.news.map((n) => JSON.stringify(n))].join('\n') + '\n',
  );
});

afterAll(async () => {
  await deleteStream(NATS_URL, busNames(prefixes.bus).stream).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe('himari backtest', () => {
  it('replays the news and reports the pipeline beside every baseline, as JSON and HTML', async () => {
    const json = join(dir, 'out/backtest.json');
    const html = join(dir, 'out/backtest.html');
    const ledger = join(dir, 'out/ledger.sqlite');
    const { stderr } = await himari([
      'backtest',
      '--news',
      news,
      '--prices',
      prices,
      '--lm',
      lm,
      '--config',
      config,
      '--json',
      json,
      '--html',
      html,
      '--ledger',
      ledger,
    ]);
    expect(stderr).toMatch(/pipeline/);
    const r = JSON.parse(readFileSync(json, 'utf8'));
    const fields = ['sharpe_net', 'sharpe_gross', 'ic', 'ic_t', 'hit_rate', 'annual_return', 'max_drawdown', 'turnover'];
    for (const m of [r.pipeline, r.baselines.loughran_mcdonald, r.baselines.vader, r.baselines.buy_and_hold]) {
      for (const f of fields) expect(m).toHaveProperty(f);
    }
    expect(r.baselines.random.runs).toHaveLength(3);
    for (const run of r.baselines.random.runs) for (const f of fields) expect(run).toHaveProperty(f);
    // Each lexicon's random twin trades its own (smaller) universe, so its figures differ from the pipeline's twin.
    for (const u of [r.random_same_universe.loughran_mcdonald, r.random_same_universe.vader]) {
      expect(u.sharpe_net_mean).toEqual(expect.any(Number));
      expect(u.sharpe_net_sd).toBeGreaterThanOrEqual(0);
    }
    expect(stderr).toMatch(/random on each lexicon's own assets and trade points/);
    expect(r.dataset).toMatchObject({ items: market.news.length, skipped_no_time: 1, signals: market.news.length, rejected: 0 });
    expect(r.scorer.kind).toBe('lexicon');
    // The synthetic news predicts the next open: the pipeline finds it, gross of costs.
    expect(r.pipeline.ic).toBeGreaterThan(0.2);
    expect(r.pipeline.sharpe_gross).toBeGreaterThan(1);
    expect(r.pipeline.sharpe_net).toBeLessThan(r.pipeline.sharpe_gross);
    expect(r.calibration.n_eval).toBeGreaterThan(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page.match(/<svg /g)?.length).toBeGreaterThanOrEqual(2); // equity curves and the reliability diagram
    expect(page).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/); // self-contained

    // The ledger the backtest left is what `calibrate report` reads.
    const cal = join(dir, 'out/calibration.json');
    const out = join(dir, 'out/calibration');
    const { stdout } = await himari(['calibrate', 'report', '--ledger', ledger, '--config', config, '--json', cal, '--out', out]);
    expect(stdout).toMatch(/ECE/);
    const c = JSON.parse(readFileSync(cal, 'utf8'));
    for (const f of ['ece_raw', 'ece_calibrated', 'mce_raw', 'mce_calibrated', 'n_fit', 'n_eval']) expect(typeof c[f]).toBe('number');
    expect(c.n_eval).toBe(r.calibration.n_eval);
    expect(readFileSync(join(out, 'reliability.svg'), 'utf8')).toMatch(/^<svg /);
    expect(readFileSync(join(out, 'calibration.html'), 'utf8')).toMatch(/held-out/);
  }, 120_000);

  it('refuses a missing Loughran-McDonald folder instead of silently dropping the baseline', async () => {
    await expect(
      himari(['backtest', '--news', news, '--prices', prices, '--lm', join(dir, 'nope'), '--config', config]),
    ).rejects.toMatchObject({ code: 2 });
  }, 60_000);
});

describe('himari outcomes ingest', () => {
  it('writes price outcomes into a ledger, idempotently', async () => {
    const ledger = join(dir, 'ingest.sqlite');
    const first = await himari(['outcomes', 'ingest', prices, '--ledger', ledger, '--config', config]);
    expect(first.stdout).toMatch(/600 price bars of 10 assets/);
    const again = await himari(['outcomes', 'ingest', prices, '--ledger', ledger, '--config', config]);
    expect(again.stdout).toMatch(/0 new/);
    const l = Ledger.open(ledger);
    expect(l.counts().outcomes).toBe(10 * 59 * 2);
    l.close();
  }, 60_000);

  it('publishes them on the outcome subject of a NATS deployment', async () => {
    const { stdout } = await himari([
      'outcomes',
      'ingest',
      join(prices, 'SYN00.csv'),
      '--nats',
      NATS_URL,
      '--prefix',
      prefixes.bus,
      '--config',
      config,
    ]);
    expect(stdout).toMatch(/118 published/);
    const names = busNames(prefixes.bus);
    const t = await connectNatsTransport({
      url: NATS_URL,
      names,
      duplicateWindowMs: 60_000,
      maxAgeMs: 3_600_000,
      name: 'outcomes-cli-test',
    });
    try {
      expect(await t.readStored(names.subject(Topic.outcome), () => undefined)).toBe(118);
    } finally {
      await t.close();
    }
  }, 60_000);
});
