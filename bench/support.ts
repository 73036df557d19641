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
