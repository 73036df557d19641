/**
 * J4's calibrator: one map per key (the caller builds keys from model, source and event category), fitted from the
 * outcomes observed for that key. Until a key has `minSamples` outcomes its confidence passes through unchanged and
 * says so (`calibrated: false`, method `none`, map `identity`); after that the map is refitted every `refitEvery`
 * new outcomes, synchronously, on the latest `maxSamplesPerKey` outcomes.
 *
 * A map version is `<method>:<key hash>:<outcomes seen>`, so a signal names exactly which fit scored it.
 */
import { createHash } from 'node:crypto';
import type { CalibrationInfo } from '@himari/contracts';
import { z } from 'zod';
import { fitIsotonic, IsotonicJSON, IsotonicMap } from './isotonic.ts';
import { fitPlatt, PlattJSON, PlattMap } from './platt.ts';
import { CalibrationInputError, checkUnit, clamp01, type Outcome01 } from './validate.ts';

export type CalibrationMethod = 'isotonic' | 'platt';
export type CalibrationMap = IsotonicMap | PlattMap;

export interface CalibratorOptions {
  method: CalibrationMethod;
  /** Outcomes a key needs before its first map. */
  minSamples: number;
  /** New outcomes between refits after the first. */
  refitEvery: number;
  /** Outcomes kept per key (the newest): bounds memory and lets a map follow drift. @default 10000 */
  maxSamplesPerKey?: number;
}

export interface CalibrationResult {
  confidence: number;
  calibration: CalibrationInfo;
}

export interface ObserveResult {
  /** Outcomes seen for the key, all time. */
  n: number;
  refitted: boolean;
  /** The key's current map version (`identity` before the first fit). */
  map_version: string;
}

export const IDENTITY_VERSION = 'identity';
const DEFAULT_MAX_SAMPLES = 10_000;

interface KeyState {
  n: number;
  fittedAtN: number;
  scores: number[];
  outcomes: Outcome01[];
  map: CalibrationMap | null;
  version: string;
}

export class Calibrator {
  readonly method: CalibrationMethod;
  readonly minSamples: number;
  readonly refitEvery: number;
  readonly maxSamplesPerKey: number;
  private state = new Map<string, KeyState>();

  constructor(opts: CalibratorOptions) {
    if (!Number.isInteger(opts.minSamples) || opts.minSamples < 1)
      throw new CalibrationInputError(`minSamples must be a positive integer, got ${opts.minSamples}`);
    if (!Number.isInteger(opts.refitEvery) || opts.refitEvery < 1)
      throw new CalibrationInputError(`refitEvery must be a positive integer, got ${opts.refitEvery}`);
    const max = opts.maxSamplesPerKey ?? DEFAULT_MAX_SAMPLES;
    if (!Number.isInteger(max) || max < opts.minSamples)
      throw new CalibrationInputError(`maxSamplesPerKey must be an integer >= minSamples, got ${max}`);
    this.method = opts.method;
    this.minSamples = opts.minSamples;
    this.refitEvery = opts.refitEvery;
    this.maxSamplesPerKey = max;
  }

  calibrate(key: string, rawConfidence: number): CalibrationResult {
    const raw = checkUnit('raw confidence', rawConfidence);
    const s = this.state.get(key);
    if (s?.map == null) {
      return { confidence: raw, calibration: { calibrated: false, method: 'none', map_version: IDENTITY_VERSION, raw_confidence: raw } };
    }
    return {
      confidence: clamp01(s.map.predict(raw)),
      calibration: { calibrated: true, method: s.map.kind, map_version: s.version, raw_confidence: raw },
    };
  }

  /** Records whether a signal with this raw confidence turned out right; refits the key's map when it is due. */
  observe(key: string, rawConfidence: number, correct: Outcome01 | boolean): ObserveResult {
    const raw = checkUnit('raw confidence', rawConfidence);
    const outcome: Outcome01 = correct === true || correct === 1 ? 1 : correct === false || correct === 0 ? 0 : invalidOutcome(correct);
    let s = this.state.get(key);
    if (s === undefined) {
      s = { n: 0, fittedAtN: 0, scores: [], outcomes: [], map: null, version: IDENTITY_VERSION };
      this.state.set(key, s);
    }
    s.n += 1;
    s.scores.push(raw);
    s.outcomes.push(outcome);
    const excess = s.scores.length - this.maxSamplesPerKey;
    if (excess > 0) {
      s.scores.splice(0, excess);
      s.outcomes.splice(0, excess);
    }
    const due = s.map === null ? s.n >= this.minSamples : s.n - s.fittedAtN >= this.refitEvery;
    if (due) this.refit(key, s);
    return { n: s.n, refitted: due, map_version: s.version };
  }

  /** The key's current map, if fitted. */
  mapFor(key: string): { map: CalibrationMap; version: string } | undefined {
    const s = this.state.get(key);
    return s?.map ? { map: s.map, version: s.version } : undefined;
  }

  keys(): string[] {
    return [...this.state.keys()];
  }

  snapshot(): CalibratorSnapshot {
    return {
      v: 1,
      method: this.method,
      entries: [...this.state].map(([key, s]) => ({
        key,
        n: s.n,
        fitted_at_n: s.fittedAtN,
        scores: [...s.scores],
        outcomes: [...s.outcomes],
        map: s.map?.toJSON() ?? null,
        map_version: s.version,
      })),
    };
  }

  /**
   * Replaces all state with a snapshot's. Restored maps keep their method and version even if this calibrator is
   * configured with another method; the next refit of a key uses the configured one.
   */
  restore(snapshot: unknown): void {
    const r = CalibratorSnapshot.safeParse(snapshot);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new CalibrationInputError(`invalid calibrator snapshot at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`);
    }
    const next = new Map<string, KeyState>();
    for (const e of r.data.entries) {
      const keep = Math.max(0, e.scores.length - this.maxSamplesPerKey);
      next.set(e.key, {
        n: e.n,
        fittedAtN: e.fitted_at_n,
        scores: e.scores.slice(keep),
        outcomes: e.outcomes.slice(keep),
        map: e.map === null ? null : e.map.kind === 'isotonic' ? IsotonicMap.fromJSON(e.map) : PlattMap.fromJSON(e.map),
        version: e.map_version,
      });
    }
    this.state = next;
  }

  static fromSnapshot(snapshot: unknown, opts: CalibratorOptions): Calibrator {
    const c = new Calibrator(opts);
    c.restore(snapshot);
    return c;
  }

  private refit(key: string, s: KeyState): void {
    s.map = this.method === 'isotonic' ? fitIsotonic(s.scores, s.outcomes) : fitPlatt(s.scores, s.outcomes);
    s.fittedAtN = s.n;
    s.version = `${this.method}:${keyHash(key)}:${s.n}`;
  }
}

function invalidOutcome(v: unknown): never {
  throw new CalibrationInputError(`outcome must be 0, 1 or a boolean, got ${String(v)}`);
}

/** Short and stable: only names the key inside a version string; the key itself stays in the snapshot. */
export function keyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** A key from its parts, with `|` inside a part escaped so that distinct parts never collide. */
export function calibrationKeyOf(parts: { model: string; source: string; event_category: string }): string {
  const esc = (p: string): string => p.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
  return [parts.model, parts.source, parts.event_category].map(esc).join('|');
}

const SnapshotEntry = z
  .object({
    key: z.string(),
    n: z.number().int().nonnegative(),
    fitted_at_n: z.number().int().nonnegative(),
    scores: z.array(z.number().min(0).max(1)),
    outcomes: z.array(z.union([z.literal(0), z.literal(1)])),
    map: z.union([IsotonicJSON, PlattJSON]).nullable(),
    map_version: z.string().min(1),
  })
  .refine((e) => e.scores.length === e.outcomes.length, 'scores and outcomes must have the same length')
  .refine((e) => e.scores.length <= e.n && e.fitted_at_n <= e.n, 'n must count at least the stored and fitted outcomes')
  .refine((e) => (e.map === null) === (e.map_version === IDENTITY_VERSION), 'map_version must be identity exactly when there is no map');

export const CalibratorSnapshot = z
  .object({
    v: z.literal(1),
    method: z.enum(['isotonic', 'platt']),
    entries: z.array(SnapshotEntry),
  })
  .refine((snap) => new Set(snap.entries.map((e) => e.key)).size === snap.entries.length, 'each key must appear once');
export type CalibratorSnapshot = z.infer<typeof CalibratorSnapshot>;
