/** What every benchmark records beside its numbers, and where it writes them. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
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
