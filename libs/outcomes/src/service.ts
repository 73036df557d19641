/**
 * J4's state behind the calibrator actor: a `Calibrator` (one map per key) fed from the ledger.
 *
 * The signal path only looks a map up and writes one ledger row. Outcomes are joined in the ledger when they arrive;
 * the labels they complete are folded into the calibrator later, in `setImmediate` turns that each do at most one
 * refit, so a fit (milliseconds on thousands of points, see bench/calibration-fit.bench.ts) never runs inside a
 * signal's handler. Each turn commits "these labels learnt + this map" in one transaction: after a crash the ledger
 * holds exactly the state to restore, and labels not yet committed are learnt again.
 */
import { performance } from 'node:perf_hooks';
import { Calibrator, calibrationKeyOf, IDENTITY_VERSION, type CalibrationMethod, type CalibrationResult } from '@himari/calibration';
import type { CalibrationInfo, DraftSignal, Outcome, Timeframe } from '@himari/contracts';
import type { Logger } from '@himari/observability';
import type { LabelRecord, Ledger, MapRecord, SignalRecord } from './ledger.ts';

export type HorizonSessions = Readonly<Record<Timeframe, number>>;

export interface CalibrationServiceOptions {
  ledger: Ledger;
  method: CalibrationMethod;
  minSamples: number;
  refitEvery: number;
  maxSamplesPerKey: number;
  horizonSessions: HorizonSessions;
  log?: Logger;
  /** Runs learning off the caller's turn. @default setImmediate */
  defer?: (fn: () => void) => void;
  /** Most labels folded in per turn (a turn also ends after one refit). @default 500 */
  learnBatch?: number;
}

export interface CalibrationServiceStats {
  signals: number;
  outcomes: number;
  labels: number;
  learnt: number;
  refits: number;
  pending: number;
  fit_ms_total: number;
  fit_ms_max: number;
}

export interface RestoreSummary {
  keys: number;
  learnt: number;
  maps: number;
  pending: number;
}

/** The key J4 calibrates under: the generating model (with versions), the source and the event category. */
export function signalCalibrationKey(s: Pick<DraftSignal, 'provenance' | 'source' | 'event_type'>): string {
  const p = s.provenance;
  return calibrationKeyOf({
    model: `${p.generator}:${p.model}@${p.model_version}/${p.prompt_version}+${p.sentiment_model}`,
    source: s.source,
    event_category: s.event_type,
  });
}

export class CalibrationService {
  readonly ledger: Ledger;
  readonly calibrator: Calibrator;
  private readonly horizons: HorizonSessions;
  private readonly log: Logger | undefined;
  private readonly defer: (fn: () => void) => void;
  private readonly learnBatch: number;
  private queue: LabelRecord[] = [];
  private scheduled = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private counters = { signals: 0, outcomes: 0, labels: 0, learnt: 0, refits: 0, fitMsTotal: 0, fitMsMax: 0 };

  constructor(opts: CalibrationServiceOptions) {
    this.ledger = opts.ledger;
    this.calibrator = new Calibrator({
      method: opts.method,
      minSamples: opts.minSamples,
      refitEvery: opts.refitEvery,
      maxSamplesPerKey: opts.maxSamplesPerKey,
    });
    this.horizons = opts.horizonSessions;
    this.log = opts.log;
    this.defer = opts.defer ?? ((fn) => void setImmediate(fn));
    this.learnBatch = opts.learnBatch ?? 500;
  }

  /** Rebuilds the calibrator from the ledger (learnt labels, newest maps) and queues labels not yet learnt. */
  restore(): RestoreSummary {
    const learnt = this.ledger.learntByKey(this.calibrator.maxSamplesPerKey);
    const maps = new Map(this.ledger.latestMaps().map((m) => [m.cal_key, m]));
    const keys = new Set([...learnt.keys(), ...maps.keys()]);
    const entries = [...keys].sort().map((key) => {
      const l = learnt.get(key) ?? { n: 0, scores: [], outcomes: [] };
      const m = maps.get(key);
      return {
        key,
        n: l.n,
        fitted_at_n: m?.n ?? 0,
        scores: l.scores,
        outcomes: l.outcomes,
        map: m ? (JSON.parse(m.map_json) as unknown) : null,
        map_version: m?.version ?? IDENTITY_VERSION,
      };
    });
    this.calibrator.restore({ v: 1, method: this.calibrator.method, entries });
    const pending = this.ledger.pendingLabels();
    this.enqueue(pending);
    const summary = {
      keys: keys.size,
      learnt: [...learnt.values()].reduce((a, l) => a + l.n, 0),
      maps: maps.size,
      pending: pending.length,
    };
    this.log?.info(summary, 'calibrator restored from the ledger');
    return summary;
  }

  sessionsFor(timeframe: Timeframe): number {
    return this.horizons[timeframe];
  }

  /**
   * The confidence a draft is published with, and its ledger row. A HOLD (direction 0) is not a bet that can be
   * right or wrong, so no map applies to it: its confidence passes through, marked uncalibrated.
   */
  calibrate(draft: DraftSignal): CalibrationResult {
    const key = signalCalibrationKey(draft);
    const raw = draft.confidence_raw;
    const result: CalibrationResult =
      draft.direction === 0 ? { confidence: raw, calibration: passThrough(raw) } : this.calibrator.calibrate(key, raw);
    const published = Date.parse(draft.published_at);
    const rec: SignalRecord = {
      id: draft.id,
      asset: draft.asset,
      published_ms: Number.isFinite(published) ? published : draft.received_at,
      sessions: this.sessionsFor(draft.timeframe),
      cal_key: key,
      direction: draft.direction,
      sentiment: draft.sentiment,
      raw_confidence: raw,
      confidence: result.confidence,
      calibrated: result.calibration.calibrated,
      map_version: result.calibration.map_version,
      timeframe: draft.timeframe,
      source: draft.source,
      model: draft.provenance.model,
      event_category: draft.event_type,
    };
    const r = this.ledger.recordSignal(rec);
    if (r.inserted) this.counters.signals += 1;
    if (r.label) this.enqueue([r.label]);
    return result;
  }

  observeOutcome(o: Outcome): { inserted: boolean; labels: number } {
    const r = this.ledger.recordOutcome(o);
    if (r.inserted) this.counters.outcomes += 1;
    this.enqueue(r.labels);
    return { inserted: r.inserted, labels: r.labels.length };
  }

  observeOutcomes(os: readonly Outcome[]): { inserted: number; labels: number } {
    const r = this.ledger.recordOutcomes(os);
    this.counters.outcomes += r.inserted;
    this.enqueue(r.labels);
    return { inserted: r.inserted, labels: r.labels.length };
  }

  /** Resolves once every label known so far has been learnt (and any refit it caused is stored). */
  whenIdle(): Promise<void> {
    if (!this.scheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stats(): CalibrationServiceStats {
    const c = this.counters;
    return {
      signals: c.signals,
      outcomes: c.outcomes,
      labels: c.labels,
      learnt: c.learnt,
      refits: c.refits,
      pending: this.queue.length,
      fit_ms_total: c.fitMsTotal,
      fit_ms_max: c.fitMsMax,
    };
  }

  /** Stops learning; labels still queued stay unlearnt in the ledger and are picked up by the next restore. */
  close(): void {
    this.closed = true;
    this.queue = [];
    this.wakeIdle();
  }

  private enqueue(labels: readonly LabelRecord[]): void {
    for (const l of labels) {
      this.counters.labels += 1;
      if (l.correct !== null && !l.learnt) this.queue.push(l);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    if (this.closed || this.queue.length === 0) {
      this.wakeIdle();
      return;
    }
    this.scheduled = true;
    this.defer(() => {
      this.scheduled = false;
      if (this.closed) return;
      try {
        this.learnSome();
      } catch (err) {
        this.log?.error({ err: (err as Error).message }, 'calibrator learning failed; labels stay pending in the ledger');
        this.queue = [];
      }
      this.schedule();
    });
  }

  /** Folds labels into the calibrator until one refit happens or the batch is full, then commits. */
  private learnSome(): void {
    const seqs: number[] = [];
    const maps: Omit<MapRecord, 'created_ms'>[] = [];
    let taken = 0;
    while (taken < this.queue.length && taken < this.learnBatch) {
      const l = this.queue[taken]!;
      taken += 1;
      const t0 = performance.now();
      const r = this.calibrator.observe(l.cal_key, l.raw_confidence, l.correct === 1 ? 1 : 0);
      seqs.push(l.seq);
      if (r.refitted) {
        const ms = performance.now() - t0;
        this.counters.refits += 1;
        this.counters.fitMsTotal += ms;
        this.counters.fitMsMax = Math.max(this.counters.fitMsMax, ms);
        const fitted = this.calibrator.mapFor(l.cal_key)!;
        maps.push({
          version: fitted.version,
          cal_key: l.cal_key,
          method: fitted.map.kind,
          n: r.n,
          fitted_on: fitted.map.n,
          map_json: JSON.stringify(fitted.map.toJSON()),
        });
        break;
      }
    }
    this.ledger.commitLearnt(seqs, maps);
    this.queue.splice(0, taken);
    this.counters.learnt += taken;
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

function passThrough(raw: number): CalibrationInfo {
  return { calibrated: false, method: 'none', map_version: IDENTITY_VERSION, raw_confidence: raw };
}
