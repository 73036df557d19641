/** What every benchmark records beside its numbers, and where it writes them. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@himari/config';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A path in the shared data folder: config `data.shared_dir` (env HIMARI_DATA_DIR), relative to the repo root. */
export function sharedData(...rel: string[]): string {
  return resolve(ROOT, loadConfig({ env: process.env }).data.shared_dir, ...rel);
}

export function loadNow(): number {
  return loadavg()[0] ?? 0;
}

export function machineInfo(loadBefore: number): Record<string, unknown> {
  return {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    // Other processes on a small machine slow every pass: the 1-minute load average says how busy it was.
    load_average_1m: { start: Number(loadBefore.toFixed(2)), end: Number(loadNow().toFixed(2)) },
    measured_at: new Date().toISOString(),
  };
}

export function writeResult(file: string, result: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
}

/** The q-quantile of an ascending array (nearest rank); NaN when empty. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Node, the servers and the packages on the measured path. */
export async function versions(): Promise<Record<string, string>> {
  const pkg = (name: string): string => {
    try {
      return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'missing';
    }
  };
  const out: Record<string, string> = { node: process.version };
  for (const p of ['nats', 'ioredis', 'better-sqlite3', 'onnxruntime-node', 'msgpackr']) out[p] = pkg(p);
  const server = (cmd: string, args: string[], re: RegExp): string => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return re.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`)?.[1] ?? 'unknown';
  };
  out['nats-server'] = server('nats-server', ['--version'], /v?(\d+\.\d+\.\d+)/);
  out['redis-server'] = server('redis-server', ['--version'], /v=(\d+\.\d+\.\d+)/);
  return out;
}

interface PipelineResult {
  mode: string;
  embedded: { saturation_items_per_s: number };
  distributed: {
    saturation_items_per_s: number;
    cpu_s_by_actor: Record<string, number>;
    slowest_actor: string;
    with_100k_docs: { documents: number; saturation_items_per_s: number; ratio_to_empty: number };
  };
  offered: { rate: number; replicas: number; p50_ms: number; p99_ms: number; received: number; sent: number }[];
  jetstream_floor_msgs_per_s: number;
  machine: { cores: number; load_average_1m: { start: number; end: number }; measured_at: string };
}

interface ReadStats {
  p50_us: number;
  p99_us: number;
  p999_us: number;
  over_budget?: number;
  n?: number;
}

interface FeatureReadResult {
  near_cache: ReadStats | null;
  near_cache_reason?: string;
  redis_direct: ReadStats;
  redis_benchmark: ReadStats;
  ioredis_get?: ReadStats;
  budget_ms: number;
  machine: { load_average_1m: { start: number; end: number }; measured_at: string };
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** bench/results/SUMMARY.md from pipeline.json and feature-read.json, beside the issue's targets. */
export function writeSummary(dir: string): void {
  const p = readJson<PipelineResult>(join(dir, 'pipeline.json'));
  const f = readJson<FeatureReadResult>(join(dir, 'feature-read.json'));
  const lines = [
    '# Bench summary',
    '',
    'Written by `npm run bench` (bench/pipeline.bench.ts, bench/feature-read.bench.ts). Targets from issue #11.',
    '',
  ];
  if (p) {
    const perCore = (x: number): string => (x / Math.max(p.machine.cores, 1)).toFixed(0);
    lines.push(
      `## Pipeline (${p.mode} run, ${p.machine.measured_at}, ${p.machine.cores} cores, load ${p.machine.load_average_1m.start} -> ${p.machine.load_average_1m.end})`,
      '',
      '| figure | measured | per core | target |',
      '| --- | --- | --- | --- |',
      `| embedded saturation | ${p.embedded.saturation_items_per_s} items/s | ${perCore(p.embedded.saturation_items_per_s)} | >= 2,000 |`,
      `| distributed saturation (J3 empty) | ${p.distributed.saturation_items_per_s} items/s | ${perCore(p.distributed.saturation_items_per_s)} | >= 1,000 |`,
      `| distributed with ${p.distributed.with_100k_docs.documents} docs in J3 | ${p.distributed.with_100k_docs.saturation_items_per_s} items/s (x${p.distributed.with_100k_docs.ratio_to_empty} of empty) | ${perCore(p.distributed.with_100k_docs.saturation_items_per_s)} | >= 0.8x empty |`,
      `| JetStream floor (publish -> pull -> ack) | ${p.jetstream_floor_msgs_per_s} msgs/s | | |`,
      '',
      `Offered load, publish on news.raw -> signal stored (slowest replicable actor by CPU: ${p.distributed.slowest_actor}):`,
      '',
      '| offered items/s | replicas of the slowest | p50 ms | p99 ms | received | target |',
      '| --- | --- | --- | --- | --- | --- |',
      ...p.offered.map(
        (o) =>
          `| ${o.rate} | ${o.replicas} | ${o.p50_ms} | ${o.p99_ms} | ${o.received}/${o.sent} | ${o.rate === 500 ? 'p99 <= 50 ms' : ''} |`,
      ),
      '',
      `CPU seconds by actor in the saturated distributed run: ${Object.entries(p.distributed.cpu_s_by_actor)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}. Top functions: \`profile-top.txt\`.`,
      '',
    );
  }
  if (f) {
    const row = (name: string, s: ReadStats | null | undefined, target: string): string =>
      s
        ? `| ${name} | ${s.p50_us} | ${s.p99_us} | ${s.p999_us} | ${s.over_budget ?? ''} | ${target} |`
        : `| ${name} | - | - | - | - | ${target} |`;
    lines.push(
      `## Feature read (${f.machine.measured_at}, load ${f.machine.load_average_1m.start} -> ${f.machine.load_average_1m.end}, budget ${f.budget_ms} ms)`,
      '',
      '| path | p50 us | p99 us | p99.9 us | over budget | target |',
      '| --- | --- | --- | --- | --- | --- |',
      row('near cache', f.near_cache, 'p99 <= 5 us'),
      row('inject() through Redis', f.redis_direct, 'p99 <= 1.5x redis-benchmark p99; 0 over budget'),
      row('ioredis GET', f.ioredis_get, ''),
      row('redis-benchmark GET', f.redis_benchmark, ''),
      '',
      ...(f.near_cache === null && f.near_cache_reason ? [`near cache: ${f.near_cache_reason}`, ''] : []),
    );
  }
  writeFileSync(join(dir, 'SUMMARY.md'), lines.join('\n'));
}

/**
 * Single-threaded throughput of `fn` over `texts`: one warm-up pass, then `repeats` timed passes; the median and every
 * pass, in texts per second. `fn` returns a number that goes into a sink, so the work cannot be optimised away.
 */
export function timedPasses(texts: readonly string[], fn: (t: string) => number, repeats: number): { perS: number; passes: number[] } {
  let sink = 0;
  for (const t of texts) sink += fn(t);
  const passes: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    for (const t of texts) sink += fn(t);
    passes.push(texts.length / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  if (Number.isNaN(sink)) throw new Error('NaN in the sink');
  const sorted = [...passes].sort((a, b) => a - b);
  return { perS: sorted[Math.floor(sorted.length / 2)] as number, passes };
}

/** What a text-throughput result records about its run, beside the numbers. */
export function passesMeta(texts: readonly string[], repeats: number): Record<string, unknown> {
  return {
    mean_chars: Math.round(texts.reduce((s, t) => s + t.length, 0) / texts.length),
    repeats,
    statistic: 'median of passes',
    threads: 1,
  };
}
