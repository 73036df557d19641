/**
 * J4 on the real bus: the calibrator actor over NATS JetStream with a ledger file. Drafts and outcomes go in; the
 * actor stops; a new one starts on the same ledger and carries on with the same map, the same version and the same
 * refit schedule, as if nothing had happened.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectNatsTransport, deleteStream, type Transport } from '@himari/bus';
import { IsotonicMap, keyHash } from '@himari/calibration';
import { overconfident } from '@himari/calibration/testing';
import { loadConfig, type Config } from '@himari/config';
import { busNames, decodeAs, encode, Stage, Topic, TradingSignal, type DraftSignal, type Outcome } from '@himari/contracts';
import { silentLogger } from '@himari/observability';
import { Ledger, signalCalibrationKey } from '@himari/outcomes';
import { makeDraft } from '@himari/outcomes/testing';
import { createStore, startActors, type RunningActors } from '@himari/pipeline';
import { NATS_URL, uniquePrefixes, waitFor } from './support/env.ts';

const prefixes = uniquePrefixes();
const dir = mkdtempSync(join(tmpdir(), 'himari-j4-'));
const ledgerPath = join(dir, 'ledger.sqlite');
const config: Config = loadConfig({
  overrides: {
    nats: { url: NATS_URL, prefix: prefixes.bus },
    calibration: { method: 'isotonic', min_samples: 20, refit_every: 10, ledger_path: ledgerPath },
    observability: { log_level: 'silent' },
  },
});
const names = busNames(prefixes.bus);

afterAll(async () => {
  await deleteStream(NATS_URL, names.stream).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

const refuse = (): Promise<never> => Promise.reject(new Error('the calibrator does not score'));

async function calibrator(transport: Transport): Promise<RunningActors> {
  const deps = {
    config,
    names,
    store: createStore(config, names),
    transport,
    scorer: { name: 'none', version: 'none', kind: 'upstream' as const, score: refuse, scoreBatch: refuse },
    log: silentLogger(),
    clock: Date.now,
  };
  return startActors([Stage.calibrator], deps, transport);
}

function drafts(n: number, seed: number, from: number): { drafts: DraftSignal[]; outcomes: Outcome[] } {
  const { conf, correct } = overconfident(n, seed);
  const ds = conf.map((c, i) =>
    makeDraft({ id: `d${from + i}`, confidence_raw: c, published_at: new Date(Date.UTC(2015, 0, 5) + (from + i) * 60_000).toISOString() }),
  );
  const os: Outcome[] = ds.map((d, i) => ({
    v: 1,
    id: `o${from + i}`,
    signal_id: d.id,
    asset: d.asset,
    horizon_s: 86_400,
    realised_return: correct[i] ? 0.01 : -0.01,
    observed_at: Date.UTC(2015, 0, 6) + (from + i) * 60_000,
  }));
  return { drafts: ds, outcomes: os };
}

describe('calibrator actor with a ledger file, on NATS', () => {
  it('loses no history across a restart', async () => {
    const transport = await connectNatsTransport({
      url: NATS_URL,
      names,
      duplicateWindowMs: 60_000,
      maxAgeMs: 3_600_000,
      name: 'j4-restart-test',
    });
    const out = new Map<string, TradingSignal>();
    const tap = await transport.tap(names.subject(Topic.signalCalibrated), (m) => {
      const s = decodeAs(TradingSignal, m.data);
      out.set(s.id, s);
    });
    const reader = () => Ledger.open(ledgerPath);
    try {
      await transport.ensureStream();
      const first = drafts(45, 1, 0);
      const key = signalCalibrationKey(first.drafts[0]!);
      let actors = await calibrator(transport);
      for (const d of first.drafts) await transport.publish(names.subject(Topic.signalDrafted), encode(d), { msgId: `drafted:${d.id}` });
      await waitFor(() => out.size === 45, 20_000, { message: 'first signals' });
      for (const o of first.outcomes) await transport.publish(names.subject(Topic.outcome), encode(o), { msgId: `outcome:${o.id}` });
      await waitFor(
        () => {
          const l = reader();
          try {
            return l.counts().learnt === 45 && l.counts().maps === 3;
          } finally {
            l.close();
          }
        },
        20_000,
        { message: 'outcomes learnt' },
      );
      await actors.stop();

      // What the ledger says J4 knew when it stopped.
      const l = reader();
      const last = l.latestMaps()[0]!;
      l.close();
      expect(last.version).toBe(`isotonic:${keyHash(key)}:40`); // fits at 20, 30, 40
      const map = IsotonicMap.fromJSON(JSON.parse(last.map_json));

      // A new actor on the same ledger: same map, same version; the schedule continues at 50 and 60.
      actors = await calibrator(transport);
      const probe = makeDraft({ id: 'probe', confidence_raw: 0.9, published_at: '2015-01-09T15:00:00.000Z' });
      await transport.publish(names.subject(Topic.signalDrafted), encode(probe), { msgId: 'drafted:probe' });
      await waitFor(() => out.has('probe'), 20_000, { message: 'probe signal' });
      expect(out.get('probe')!.calibration).toEqual({
        calibrated: true,
        method: 'isotonic',
        map_version: last.version,
        raw_confidence: 0.9,
      });
      expect(out.get('probe')!.confidence).toBeCloseTo(map.predict(0.9), 12);

      const more = drafts(15, 2, 45);
      for (const d of more.drafts) await transport.publish(names.subject(Topic.signalDrafted), encode(d), { msgId: `drafted:${d.id}` });
      await waitFor(() => more.drafts.every((d) => out.has(d.id)), 20_000, { message: 'more signals' });
      for (const o of more.outcomes) await transport.publish(names.subject(Topic.outcome), encode(o), { msgId: `outcome:${o.id}` });
      await waitFor(
        () => {
          const r = reader();
          try {
            return r.counts().learnt === 60;
          } finally {
            r.close();
          }
        },
        20_000,
        { message: 'more outcomes learnt' },
      );
      await actors.stop();
      const r = reader();
      expect(r.maps(key).map((m) => m.n)).toEqual([20, 30, 40, 50, 60]);
      expect(r.counts()).toMatchObject({ signals: 61, outcomes: 60, labels: 60, learnt: 60 });
      r.close();
    } finally {
      await tap.drain();
      await transport.close();
    }
  }, 90_000);
});
