/**
 * Runs every benchmark in bench/ one after another (they compete for the same two cores otherwise), prints where each
 * wrote its numbers and writes bench/results/SUMMARY.md. `npm run bench [-- name ... --quick --data DIR]`: names
 * pick benches by prefix; flags go to every bench (those without them ignore them).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeSummary } from './support.ts';

const dir = import.meta.dirname;
const args = process.argv.slice(2);
const flags: string[] = [];
const wanted: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--data') flags.push(a, args[++i] ?? '');
  else if (a.startsWith('--')) flags.push(a);
  else wanted.push(a);
}
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

let failed = 0;
for (const file of benches) {
  process.stdout.write(`\n== ${file}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, file), ...flags], {
    stdio: 'inherit',
    env: { ...process.env, OMP_NUM_THREADS: process.env['OMP_NUM_THREADS'] ?? '1' },
  });
  if (r.status !== 0) {
    failed += 1;
    process.stdout.write(`!! ${file} exited with ${r.status ?? r.signal}\n`);
  }
}
writeSummary(join(dir, 'results'));
process.stdout.write(`\n${benches.length - failed} of ${benches.length} benchmarks ran; results in bench/results/ (SUMMARY.md)\n`);
process.exitCode = failed ? 1 : 0;
