/**
 * The decision path's read: `inject()` through the near cache (held in process, kept fresh by the store's update
 * feed), `inject()` straight from Redis, raw ioredis GETs of the same key, and `redis-benchmark` GET of it (one
 * client, so a per-request latency), in one run so that each figure is also a ratio. Blocks of the in-process reads
 * alternate so that drift in machine load lands on all of them.
 *
 *   node --import tsx bench/feature-read.bench.ts            100,000 reads of each
 *   node --import tsx bench/feature-read.bench.ts --quick    10,000
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { parseConfig } from '@himari/config';
import { createFeatureInjector, createNearCache } from '@himari/features';
import { createRedisSignalStore, createRedisUpdateFeed } from '@himari/signal-store';
import { makeSignal, testStoreOptions } from '@himari/signal-store/testing';
import { Redis } from 'ioredis';
import { loadNow, machineInfo, percentile, versions, writeResult, writeSummary } from './support.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const QUICK = process.argv.includes('--quick');
const N = QUICK ? 10_000 : 100_000;
const BLOCK = 1_000;
const WARMUP = 1_000;
const RESULTS = join(import.meta.dirname, 'results');

interface ReadStats {
  n: number;
  p50_us: number;
  p99_us: number;
  p999_us: number;
  over_budget: number;
}

function stats(samplesNs: number[], budgetMs: number, overBudget?: number): ReadStats {
  const us = samplesNs.map((ns) => ns / 1000).sort((a, b) => a - b);
  const r = (x: number): number => Math.round(x * 10) / 10;
  return {
    n: us.length,
    p50_us: r(percentile(us, 0.5)),
    p99_us: r(percentile(us, 0.99)),
    p999_us: r(percentile(us, 0.999)),
    over_budget: overBudget ?? us.filter((x) => x > budgetMs * 1000).length,
  };
}

/** redis-benchmark's per-request latency distribution for GET of one key, one client. */
function redisBenchmark(key: string, n: number, budgetMs: number): ReadStats | { error: string } {
  const r = spawnSync('redis-benchmark', ['-h', '127.0.0.1', '-p', '6379', '-n', String(n), '-c', '1', '--precision', '3', 'GET', key], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0 || !r.stdout) return { error: `redis-benchmark failed: ${r.error?.message ?? r.stderr}` };
  const dist: [number, number][] = [];
  const section = r.stdout.split('Latency by percentile distribution:')[1]?.split(/\n\s*\n/)[0] ?? '';
  for (const m of section.matchAll(/([\d.]+)% <= ([\d.]+) milliseconds/g)) dist.push([Number(m[1]), Number(m[2])]);
  if (dist.length === 0) return { error: 'redis-benchmark printed no latency distribution' };
  const at = (q: number): number => Math.round((dist.find(([p]) => p >= q * 100)?.[1] ?? dist[dist.length - 1]![1]) * 10_000) / 10;
  const over = dist.find(([, ms]) => ms > budgetMs);
  return {
    n,
    p50_us: at(0.5),
    p99_us: at(0.99),
    p999_us: at(0.999),
    // The share of requests above the budget, read off the cumulative distribution.
    over_budget: over ? Math.round(((100 - (dist[dist.indexOf(over) - 1]?.[0] ?? 0)) / 100) * n) : 0,
  };
}

async function main(): Promise<void> {
  const load0 = loadNow();
  const config = parseConfig({});
  const budgetMs = config.features.budget_ms;
  const prefix = `bench${randomUUID().slice(0, 8)}`;
  const client = new Redis(REDIS_URL);
  const opts = testStoreOptions(prefix);
  const store = createRedisSignalStore(client, opts);
  await store.apply(
    makeSignal({
      id: 'bench-1',
      sentiment: 0.42,
      confidence: 0.77,
      timestamp: Date.now(),
      reasoning: 'Spot ETF inflows exceeded the 30-day average for the third session in a row. '.repeat(6),
      event: { impact: 'high', half_life_s: 1800 },
    }),
  );
  const latestKey = opts.keys.latest('BTC');
  const injector = createFeatureInjector({
    store,
    budgetMs,
    staleAfterS: config.features.stale_after_s,
    offset: config.features.offset,
    vectorLength: config.features.vector_length,
  });
  const feed = createRedisUpdateFeed(REDIS_URL, opts.keys);
  const cache = createNearCache({ store, feed, signalTtlS: 3600 });
  const cached = createFeatureInjector({
    store: cache,
    budgetMs,
    staleAfterS: config.features.stale_after_s,
    offset: config.features.offset,
    vectorLength: config.features.vector_length,
  });
  const base = new Float64Array(config.features.vector_length);
  const statuses: Record<string, number> = {};
  const nearSources: Record<string, number> = {};
  let injectOver = 0;
  let nearOver = 0;

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
      if (features.status === 'timeout' || dt > budgetMs * 1e6) injectOver++;
    }
  };

  const near = async (out: number[] | null): Promise<void> => {
    const t = process.hrtime.bigint();
    const { features } = await cached.injectDetailed(base, 'BTC');
    const dt = Number(process.hrtime.bigint() - t);
    if (out) {
      out.push(dt);
      nearSources[features.source] = (nearSources[features.source] ?? 0) + 1;
      if (features.status === 'timeout' || dt > budgetMs * 1e6) nearOver++;
    }
  };

  try {
    const liveBy = Date.now() + 10_000;
    while (!feed.live) {
      if (Date.now() > liveBy) throw new Error('the update feed did not go live within 10 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    for (let i = 0; i < WARMUP; i++) {
      await near(null);
      await raw(null);
      await inject(null);
    }
    const rawNs: number[] = [];
    const injectNs: number[] = [];
    const nearNs: number[] = [];
    for (let b = 0; b < N / BLOCK; b++) {
      for (let i = 0; i < BLOCK; i++) await near(nearNs);
      for (let i = 0; i < BLOCK; i++) await raw(rawNs);
      for (let i = 0; i < BLOCK; i++) await inject(injectNs);
    }
    const rb = redisBenchmark(latestKey, N, budgetMs);
    const result = {
      mode: QUICK ? 'quick' : 'full',
      near_cache: { ...stats(nearNs, budgetMs, nearOver), sources: nearSources, cache: cache.stats() },
      redis_direct: { ...stats(injectNs, budgetMs, injectOver), statuses },
      ioredis_get: stats(rawNs, budgetMs),
      redis_benchmark: rb,
      budget_ms: budgetMs,
      machine: machineInfo(load0),
      versions: await versions(),
    };
    console.log(
      `inject() p50 ${result.redis_direct.p50_us} us p99 ${result.redis_direct.p99_us} us p99.9 ${result.redis_direct.p999_us} us over ${injectOver}`,
    );
    const nc = result.near_cache;
    console.log(
      `near cache p50 ${nc.p50_us} us p99 ${nc.p99_us} us p99.9 ${nc.p999_us} us over ${nc.over_budget} ${JSON.stringify(nc.sources)}`,
    );
    console.log(`ioredis  p50 ${result.ioredis_get.p50_us} us p99 ${result.ioredis_get.p99_us} us p99.9 ${result.ioredis_get.p999_us} us`);
    console.log(`redis-benchmark ${JSON.stringify(rb)}`);
    writeResult(join(RESULTS, 'feature-read.json'), result);
    writeSummary(RESULTS);
  } finally {
    cache.close();
    await feed.close();
    const keys = await client.keys(`${prefix}:*`);
    if (keys.length > 0) await client.del(...keys);
    await client.quit();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
