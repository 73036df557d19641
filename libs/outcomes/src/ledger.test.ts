import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Outcome } from '@himari/contracts';
import { sessionCloseMs, sessionOpenMs } from './calendar.ts';
import { Ledger, type SignalRecord } from './ledger.ts';
import { priceOutcomeId } from './price-outcomes.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function signal(o: Partial<SignalRecord> = {}): SignalRecord {
  return {
    id: 's1',
    asset: 'AAPL',
    published_ms: Date.parse('2015-03-05T15:00:00Z'), // Thursday 10:00 EST: in the session
    sessions: 1,
    cal_key: 'k',
    direction: 1,
    sentiment: 0.5,
    raw_confidence: 0.8,
    confidence: 0.8,
    calibrated: false,
    map_version: 'identity',
    timeframe: 'short_term',
    source: 'test',
    model: 'none',
    event_category: 'earnings',
    ...o,
  };
}

/** The price feed's outcome for a window starting at one session's open or close. */
function window(point: 'open' | 'close', date: string, next: string, r: number, asset = 'AAPL'): Outcome {
  const start = point === 'open' ? sessionOpenMs(date) : sessionCloseMs(date);
  const end = point === 'open' ? sessionOpenMs(next) : sessionCloseMs(next);
  return {
    v: 1,
    id: priceOutcomeId(asset, point, date, 1),
    asset,
    horizon_s: (end - start) / 1000,
    realised_return: r,
    observed_at: end,
    sessions: 1,
  };
}

describe('Ledger joins', () => {
  it('labels a signal with the first window starting after it, whichever arrives first', () => {
    for (const order of ['signal-first', 'outcomes-first'] as const) {
      const l = Ledger.open(null);
      const outs = [window('open', '2015-03-05', '2015-03-06', -0.02), window('close', '2015-03-05', '2015-03-06', 0.01)];
      let label;
      if (order === 'signal-first') {
        expect(l.recordSignal(signal())).toEqual({ inserted: true });
        const r = l.recordOutcomes(outs);
        expect(r.inserted).toBe(2);
        expect(r.labels).toHaveLength(1);
        label = r.labels[0];
      } else {
        l.recordOutcomes(outs);
        label = l.recordSignal(signal()).label;
      }
      // In-session news trades at the close: the close→close window (+1%), not the open→open one it came after.
      expect(label).toMatchObject({
        signal_id: 's1',
        outcome_id: 'px:AAPL:close:2015-03-05:1',
        correct: 1,
        realised_return: 0.01,
        learnt: false,
      });
      expect(label!.observed_ms).toBe(sessionCloseMs('2015-03-06'));
      l.close();
    }
  });

  it('labels news before the open with the open→open window, and a SELL as correct on a fall', () => {
    const l = Ledger.open(null);
    l.recordSignal(signal({ id: 'pre', direction: -1, published_ms: Date.parse('2015-03-05T12:00:00Z') }));
    const r = l.recordOutcome(window('open', '2015-03-05', '2015-03-06', -0.02));
    expect(r.labels.map((x) => [x.signal_id, x.correct])).toEqual([['pre', 1]]);
  });

  it('joins an outcome that names its signal directly, and keeps HOLDs out of learning', () => {
    const l = Ledger.open(null);
    l.recordSignal(signal({ id: 'hold', direction: 0 }));
    const r = l.recordOutcome({
      v: 1,
      id: 'o-hold',
      signal_id: 'hold',
      asset: 'AAPL',
      horizon_s: 3600,
      realised_return: 0.05,
      observed_at: Date.parse('2015-03-05T16:00:00Z'),
    });
    expect(r.labels[0]).toMatchObject({ signal_id: 'hold', correct: null, learnt: true });
    expect(l.pendingLabels()).toEqual([]);
  });

  it('is idempotent: a redelivered signal or outcome changes nothing', () => {
    const l = Ledger.open(null);
    l.recordSignal(signal());
    const o = window('close', '2015-03-05', '2015-03-06', 0.01);
    expect(l.recordOutcome(o).labels).toHaveLength(1);
    expect(l.recordOutcome(o)).toEqual({ inserted: false, labels: [] });
    expect(l.recordSignal(signal())).toEqual({ inserted: false });
    expect(l.counts()).toEqual({ signals: 1, outcomes: 1, labels: 1, learnt: 0, maps: 0 });
  });

  it('does not join a window that starts after the maximum wait, nor another horizon', () => {
    const l = Ledger.open(null, { maxEntryWaitMs: 3600_000 });
    l.recordSignal(signal({ published_ms: Date.parse('2015-03-04T22:00:00Z') })); // 17:00 EST: the next open is 16.5 h later
    l.recordSignal(signal({ id: 's2', sessions: 5 }));
    expect(l.recordOutcome(window('open', '2015-03-05', '2015-03-06', 0.01)).labels).toEqual([]);
    expect(l.recordOutcome(window('close', '2015-03-05', '2015-03-06', 0.01)).labels).toEqual([]);
  });

  it('never joins a signal to a window that starts before it', () => {
    const l = Ledger.open(null);
    l.recordOutcome(window('open', '2015-03-05', '2015-03-06', 0.01));
    expect(l.recordSignal(signal()).label).toBeUndefined(); // 10:00: the open window started at 9:30
  });
});

describe('Ledger durability', () => {
  it('keeps signals, outcomes, labels and maps across a close and reopen of the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'himari-ledger-'));
    dirs.push(dir);
    const path = join(dir, 'ledger.sqlite');
    const a = Ledger.open(path);
    a.recordSignal(signal());
    const label = a.recordOutcome(window('close', '2015-03-05', '2015-03-06', 0.01)).labels[0]!;
    a.commitLearnt([label.seq], [{ version: 'isotonic:abc:1', cal_key: 'k', method: 'isotonic', n: 1, fitted_on: 1, map_json: '{}' }]);
    a.close();

    const b = Ledger.open(path);
    expect(b.counts()).toEqual({ signals: 1, outcomes: 1, labels: 1, learnt: 1, maps: 1 });
    expect(b.labelFor('s1')).toMatchObject({ correct: 1, learnt: true });
    expect(b.latestMaps().map((m) => m.version)).toEqual(['isotonic:abc:1']);
    b.close();
  });
});
