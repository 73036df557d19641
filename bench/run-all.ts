/**
 * Runs every benchmark in bench/ one after another (they compete for the same two cores otherwise) and prints
 * where each wrote its numbers. `npm run bench` or `node --import tsx bench/run-all.ts [name ...]`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dirname;
const wanted = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

let failed = 0;
for (const file of benches) {
  process.stdout.write(`\n== ${file}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, file)], {
    stdio: 'inherit',
    env: { ...process.env, OMP_NUM_THREADS: process.env['OMP_NUM_THREADS'] ?? '1' },
  });
  if (r.status !== 0) {
    failed += 1;
    process.stdout.write(`!! ${file} exited with ${r.status ?? r.signal}\n`);
  }
}
process.stdout.write(`\n${benches.length - failed} of ${benches.length} benchmarks ran; results in bench/results/\n`);
process.exitCode = failed ? 1 : 0;
