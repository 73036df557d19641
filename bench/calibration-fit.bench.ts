/**
 * J4 costs: how long a refit takes (isotonic and Platt, on 100 to 10 000 labelled outcomes: the size a key's map is
 * fitted on), what the signal path pays per signal (map lookup + ledger row, in memory and on a file), and what an
 * outcome costs (ledger row + join). The refit runs in its own setImmediate turn, never inside a handler: its time
 * is how long the event loop is held once every `refit_every` outcomes of a key.
 * Run: node --import tsx bench/calibration-fit.bench.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { fitIsotonic, fitPlatt } from '@himari/calibration';
import { overconfident } from '@himari/calibration/testing';
import type { Outcome } from '@himari/contracts';
import { quantile } from '@himari/numeric';
import { CalibrationService, Ledger } from '@himari/outcomes';
import { makeDraft } from '@himari/outcomes/testing';

const SIZES = [100, 1_000, 5_000, 10_000];
const REPS = 30;

function pct(xs: number[], q: number): number {
  return Math.round(quantile(xs, q) * 1000) / 1000;
}

function fitTimes(): Record<string, Record<string, { p50_ms: number; max_ms: number }>> {
  const out: Record<string, Record<string, { p50_ms: number; max_ms: number }>> = {};
  for (const [name, fit] of [
    ['isotonic', fitIsotonic],
    ['platt', fitPlatt],
  ] as const) {
    out[name] = {};
    for (const n of SIZES) {
      const { conf, correct } = overconfident(n, n);
      for (let i = 0; i < 3; i++) fit(conf, correct); // warm-up
      const ms: number[] = [];
      for (let r = 0; r < REPS; r++) {
        const t = performance.now();
        fit(conf, correct);
        ms.push(performance.now() - t);
      }
      out[name][String(n)] = { p50_ms: pct(ms, 0.5), max_ms: pct(ms, 1) };
    }
  }
  return out;
}

async function pathCosts(
  path: string | null,
  n: number,
): Promise<{
  calibrate_us_p50: number;
  calibrate_us_p99: number;
  outcome_us_p50: number;
  outcome_us_p99: number;
  learn_ms_total: number;
  refits: number;
}> {
  const ledger = Ledger.open(path);
  const svc = new CalibrationService({
    ledger,
    method: 'isotonic',
    minSamples: 100,
    refitEvery: 50,
    maxSamplesPerKey: 10_000,
    horizonSessions: { intraday: 1, short_term: 1, medium_term: 1, long_term: 1 },
  });
  const { conf, correct } = overconfident(n, 99);
  const drafts = conf.map((c, i) =>
    makeDraft({ id: `b${i}`, confidence_raw: c, published_at: new Date(Date.UTC(2015, 0, 5) + i * 1000).toISOString() }),
  );
  const cal: number[] = [];
  const obs: number[] = [];
  // Signals and their outcomes interleaved, as live: outcome i arrives after signal i + 500.
  for (let i = 0; i < n + 500; i++) {
    if (i < n) {
      const t = performance.now();
      svc.calibrate(drafts[i]!);
      cal.push((performance.now() - t) * 1000);
    }
    const j = i - 500;
    if (j >= 0) {
      const o: Outcome = {
        v: 1,
        id: `o${j}`,
        signal_id: `b${j}`,
        asset: 'AAPL',
        horizon_s: 86_400,
        realised_return: correct[j] ? 0.01 : -0.01,
        observed_at: Date.UTC(2015, 0, 6) + j * 1000,
      };
      const t = performance.now();
      svc.observeOutcome(o);
      obs.push((performance.now() - t) * 1000);
    }
    if (i % 100 === 0) await new Promise<void>((r) => setImmediate(r));
  }
  await svc.whenIdle();
  const s = svc.stats();
  ledger.close();
  return {
    calibrate_us_p50: pct(cal, 0.5),
    calibrate_us_p99: pct(cal, 0.99),
    outcome_us_p50: pct(obs, 0.5),
    outcome_us_p99: pct(obs, 0.99),
    learn_ms_total: Math.round(s.fit_ms_total),
    refits: s.refits,
  };
}

async function main(): Promise<void> {
  const fits = fitTimes();
  const dir = mkdtempSync(join(tmpdir(), 'himari-bench-'));
  try {
    const memory = await pathCosts(null, 20_000);
    const file = await pathCosts(join(dir, 'ledger.sqlite'), 20_000);
    const result = { fit: fits, service_20k_signals: { memory, file }, node: process.version, measured_at: new Date().toISOString() };
    const out = join(dirname(fileURLToPath(import.meta.url)), 'results/calibration-fit.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
