import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyHash } from '@himari/calibration';
import { overconfident } from '@himari/calibration/testing';
import type { Outcome } from '@himari/contracts';
import { Ledger } from './ledger.ts';
import { CalibrationService, signalCalibrationKey, type CalibrationServiceOptions } from './service.ts';
import { makeDraft } from './testing.ts';

const HORIZONS = { intraday: 1, short_term: 1, medium_term: 1, long_term: 1 } as const;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function service(ledger: Ledger, o: Partial<CalibrationServiceOptions> = {}): CalibrationService {
  return new CalibrationService({
    ledger,
    method: 'isotonic',
    minSamples: 100,
    refitEvery: 50,
    maxSamplesPerKey: 10_000,
    horizonSessions: HORIZONS,
    ...o,
  });
}

/** n BUY drafts with overconfident raw confidences, and outcomes naming each signal (up if it was right). */
function labelled(n: number, seed: number, from = 0) {
  const { conf, correct } = overconfident(n, seed);
  const drafts = conf.map((c, i) =>
    makeDraft({ id: `s${from + i}`, confidence_raw: c, published_at: new Date(Date.UTC(2015, 0, 1) + (from + i) * 60_000).toISOString() }),
  );
  const outcomes: Outcome[] = drafts.map((d, i) => ({
    v: 1,
    id: `o${from + i}`,
    signal_id: d.id,
    asset: d.asset,
    horizon_s: 86_400,
    realised_return: correct[i] ? 0.01 : -0.01,
    observed_at: Date.UTC(2015, 0, 2) + (from + i) * 60_000,
  }));
  return { drafts, outcomes };
}

describe('CalibrationService', () => {
  it('passes confidence through until a key has 100 outcomes, then calibrates; the fit never runs in the caller', async () => {
    const svc = service(Ledger.open(null));
    const { drafts, outcomes } = labelled(100, 1);
    for (const d of drafts) expect(svc.calibrate(d).calibration.calibrated).toBe(false);
    for (const o of outcomes) svc.observeOutcome(o);
    // The 100th outcome is joined and queued, but the map is fitted in a later turn.
    const key = signalCalibrationKey(drafts[0]!);
    expect(svc.calibrator.mapFor(key)).toBeUndefined();
    expect(svc.stats().pending).toBe(100);
    await svc.whenIdle();
    expect(svc.calibrator.mapFor(key)?.version).toBe(`isotonic:${keyHash(key)}:100`);
    const next = svc.calibrate(makeDraft({ id: 'late', confidence_raw: 0.95 }));
    expect(next.calibration).toMatchObject({ calibrated: true, method: 'isotonic', raw_confidence: 0.95 });
    expect(next.confidence).toBeLessThan(0.95);
    expect(svc.ledger.counts()).toMatchObject({ signals: 101, outcomes: 100, labels: 100, learnt: 100, maps: 1 });
  });

  it('does at most one refit per turn, and stores every map version', async () => {
    const turns: (() => void)[] = [];
    const svc = service(Ledger.open(null), { defer: (fn) => turns.push(fn) });
    const { drafts, outcomes } = labelled(260, 2);
    for (const d of drafts) svc.calibrate(d);
    svc.observeOutcomes(outcomes);
    const mapsAfterTurn: number[] = [];
    while (turns.length) {
      turns.shift()!();
      mapsAfterTurn.push(svc.ledger.counts().maps);
    }
    expect(mapsAfterTurn).toEqual([1, 2, 3, 4, 4]); // fits at 100, 150, 200, 250; then the last 10 labels
    const key = signalCalibrationKey(drafts[0]!);
    expect(svc.ledger.maps(key).map((m) => m.n)).toEqual([100, 150, 200, 250]);
    expect(svc.stats()).toMatchObject({ learnt: 260, refits: 4, pending: 0 });
  });

  it('does not calibrate HOLDs', async () => {
    const svc = service(Ledger.open(null), { minSamples: 10, refitEvery: 10 });
    const { drafts, outcomes } = labelled(20, 3);
    for (const d of drafts) svc.calibrate(d);
    svc.observeOutcomes(outcomes);
    await svc.whenIdle();
    const hold = svc.calibrate(makeDraft({ id: 'h', direction: 0, confidence_raw: 0.9 }));
    expect(hold).toEqual({
      confidence: 0.9,
      calibration: { calibrated: false, method: 'none', map_version: 'identity', raw_confidence: 0.9 },
    });
  });

  it('loses nothing on restart: the reopened ledger gives the same maps, outputs and refit schedule', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'himari-svc-'));
    dirs.push(dir);
    const path = join(dir, 'ledger.sqlite');
    const first = labelled(230, 4);
    const more = labelled(90, 5, 230);

    // Uninterrupted.
    const ref = service(Ledger.open(null));
    for (const d of [...first.drafts, ...more.drafts]) ref.calibrate(d);
    ref.observeOutcomes(first.outcomes);
    await ref.whenIdle();
    const probe = [0.55, 0.7, 0.85, 0.99].map((c) => makeDraft({ id: `p${c}`, confidence_raw: c }));
    const expected = probe.map((d) => ref.calibrate(d));
    ref.observeOutcomes(more.outcomes);
    await ref.whenIdle();

    // Same traffic, with a restart in the middle; the second half's signals were recorded before the restart.
    const a = service(Ledger.open(path));
    for (const d of [...first.drafts, ...more.drafts]) a.calibrate(d);
    a.observeOutcomes(first.outcomes);
    await a.whenIdle();
    a.close();
    a.ledger.close();

    const b = service(Ledger.open(path));
    expect(b.restore()).toEqual({ keys: 1, learnt: 230, maps: 1, pending: 0 });
    for (const d of probe) expect(b.calibrate(d)).toEqual(expected[probe.indexOf(d)]);
    b.observeOutcomes(more.outcomes);
    await b.whenIdle();
    const key = signalCalibrationKey(first.drafts[0]!);
    expect(b.ledger.maps(key).map((m) => m.n)).toEqual([100, 150, 200, 250, 300]);
    expect(b.ledger.maps(key).map((m) => m.n)).toEqual(ref.ledger.maps(key).map((m) => m.n));
    expect(b.calibrator.mapFor(key)?.map.toJSON()).toEqual(ref.calibrator.mapFor(key)?.map.toJSON());
    b.ledger.close();
  });

  it('learns labels that were joined but not yet learnt when the process stopped', async () => {
    const ledger = Ledger.open(null);
    const a = service(ledger);
    const { drafts, outcomes } = labelled(120, 6);
    for (const d of drafts) a.calibrate(d);
    a.close(); // stopped before any learning turn ran
    a.observeOutcomes(outcomes);
    expect(ledger.counts().learnt).toBe(0);
    const b = service(ledger);
    expect(b.restore().pending).toBe(120);
    await b.whenIdle();
    expect(ledger.counts()).toMatchObject({ learnt: 120, maps: 1 });
  });
});
