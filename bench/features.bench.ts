/**
 * Decision-path read cost: 10k sequential `inject` calls against local Redis, beside 10k raw ioredis GETs of the
 * same latest key in the same run (the floor any Redis-backed read pays). Blocks of the two alternate so that drift
 * in machine load lands on both. Run: node --import tsx bench/features.bench.ts
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '@himari/config';
import { createFeatureInjector, type FeatureStatus } from '@himari/features';
import { createRedisSignalStore } from '@himari/signal-store';
import { makeSignal, testStoreOptions } from '@himari/signal-store/testing';
import { Redis } from 'ioredis';

const REDIS_URL = 'redis://127.0.0.1:6379';
const N = 10_000;
const BLOCK = 1_000;
const WARMUP = 1_000;

interface Stats {
  p50_us: number;
  p99_us: number;
  mean_us: number;
}

function stats(samplesNs: number[]): Stats {
  const us = samplesNs.map((ns) => ns / 1000).sort((a, b) => a - b);
  const at = (q: number): number => us[Math.min(us.length - 1, Math.floor(q * us.length))] ?? NaN;
  const round = (x: number): number => Math.round(x * 10) / 10;
  return { p50_us: round(at(0.5)), p99_us: round(at(0.99)), mean_us: round(us.reduce((a, b) => a + b, 0) / us.length) };
}

async function main(): Promise<void> {
  const config = parseConfig({});
  const prefix = `bench${randomUUID().slice(0, 8)}`;
  const client = new Redis(REDIS_URL);
  const opts = testStoreOptions(prefix);
  const store = createRedisSignalStore(client, opts);
  const now = Date.now();
  await store.apply(
    makeSignal({
      id: 'bench-1',
      sentiment: 0.42,
      confidence: 0.77,
      timestamp: now,
      reasoning: 'Spot ETF inflows exceeded the 30-day average for the third session in a row. '.repeat(6),
      event: { impact: 'high', half_life_s: 1800 },
    }),
  );
  const latestKey = opts.keys.latest('BTC');
  const injector = createFeatureInjector({
    store,
    budgetMs: config.features.budget_ms,
    staleAfterS: config.features.stale_after_s,
    offset: config.features.offset,
    vectorLength: config.features.vector_length,
  });
  const base = new Float64Array(config.features.vector_length);
  const statuses: Partial<Record<FeatureStatus, number>> = {};

  const raw = async (out: number[] | null): Promise<void> => {
    const t = process.hrtime.bigint();
    const v = await client.get(latestKey);
    const dt = Number(process.hrtime.bigint() - t);
    if (v === null) throw new Error('latest key vanished during the bench');
    out?.push(dt);
  };
  const inject = async (out: number[] | null): Promise<void> => {
    const t = process.hrtime.bigint();
    const { features } = await injector.injectDetailed(base, 'BTC');
    const dt = Number(process.hrtime.bigint() - t);
    if (out) {
      out.push(dt);
      statuses[features.status] = (statuses[features.status] ?? 0) + 1;
    }
  };

  try {
    for (let i = 0; i < WARMUP; i++) {
      await raw(null);
      await inject(null);
    }
    const rawNs: number[] = [];
    const injectNs: number[] = [];
    for (let b = 0; b < N / BLOCK; b++) {
      for (let i = 0; i < BLOCK; i++) await raw(rawNs);
      for (let i = 0; i < BLOCK; i++) await inject(injectNs);
    }
    const info = await client.info('server');
    const result = {
      inject: { ...stats(injectNs), statuses },
      raw_get: stats(rawNs),
      ratio_p50: 0,
      n: N,
      budget_ms: config.features.budget_ms,
      node: process.version,
      redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
      at: new Date().toISOString(),
    };
    result.ratio_p50 = Math.round((result.inject.p50_us / result.raw_get.p50_us) * 100) / 100;
    console.log(`raw GET  p50 ${result.raw_get.p50_us} us  p99 ${result.raw_get.p99_us} us  mean ${result.raw_get.mean_us} us`);
    console.log(`inject   p50 ${result.inject.p50_us} us  p99 ${result.inject.p99_us} us  mean ${result.inject.mean_us} us`);
    console.log(`ratio p50 inject/raw ${result.ratio_p50}  statuses ${JSON.stringify(statuses)}`);
    const file = join(dirname(fileURLToPath(import.meta.url)), 'results', 'features.json');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    console.log(`wrote ${file}`);
  } finally {
    const keys = await client.keys(`${prefix}:*`);
    if (keys.length > 0) await client.del(...keys);
    await client.quit();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
