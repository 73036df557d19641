/**
 * J4's durable ledger: every signal, every outcome, the label that joins them, and every fitted calibration map.
 *
 * SQLite (better-sqlite3) rather than Postgres: the calibrator is one process that owns its history, so an embedded
 * database gives durability with zero operations (one file, no server to run, back up with a file copy),
 * transactions make "label learnt + new map" atomic, and a synchronous insert costs microseconds on the signal path.
 * Postgres would need a server beside NATS and Redis for no gain at this write rate. WAL mode lets readers
 * (`himari calibrate report`) read while the calibrator writes.
 *
 * Joining: a signal is judged over the first outcome window of its asset (and its horizon in sessions) that starts at
 * or after the signal, if that start is within `maxEntryWaitMs`; an outcome that names a `signal_id` joins that
 * signal directly. Whichever side arrives second makes the label, so prices may come before or after the news.
 */
import Database from 'better-sqlite3';
import type { Outcome } from '@himari/contracts';
import { outcomeStartMs } from './price-outcomes.ts';

export const LEDGER_SCHEMA_VERSION = 1;

export class LedgerError extends Error {
  override readonly name = 'LedgerError';
  readonly retryable = false;
}

/** What the ledger keeps of a signal: enough to join, label, audit and re-calibrate, not the whole message. */
export interface SignalRecord {
  id: string;
  asset: string;
  published_ms: number;
  /** Horizon the signal is judged over, in trading sessions. */
  sessions: number;
  cal_key: string;
  direction: -1 | 0 | 1;
  sentiment: number;
  raw_confidence: number;
  /** The confidence the signal was published with (calibrated, or raw when no map was fitted yet). */
  confidence: number;
  calibrated: boolean;
  map_version: string;
  timeframe: string;
  source: string;
  model: string;
  event_category: string;
}

export interface LabelRecord {
  seq: number;
  signal_id: string;
  outcome_id: string;
  cal_key: string;
  direction: number;
  raw_confidence: number;
  served_confidence: number;
  calibrated: boolean;
  map_version: string;
  /** 1 when the direction matched the sign of the return, 0 when not, null for HOLD (nothing to be right about). */
  correct: 0 | 1 | null;
  realised_return: number;
  published_ms: number;
  observed_ms: number;
  learnt: boolean;
}

export interface MapRecord {
  version: string;
  cal_key: string;
  method: string;
  /** Outcomes the key had seen when this map was fitted. */
  n: number;
  /** Samples the fit used (at most the calibrator's maxSamplesPerKey). */
  fitted_on: number;
  map_json: string;
  created_ms: number;
}

export interface LedgerCounts {
  signals: number;
  outcomes: number;
  labels: number;
  learnt: number;
  maps: number;
}

export interface LedgerOptions {
  /** A signal never joins a window starting more than this after it (a gap in the price feed). @default 5 days */
  maxEntryWaitMs?: number;
  clock?: () => number;
}

interface LabelRow extends Omit<LabelRecord, 'calibrated' | 'learnt' | 'correct'> {
  calibrated: number;
  learnt: number;
  correct: number | null;
}

interface SignalRow {
  id: string;
  asset: string;
  published_ms: number;
  sessions: number;
  cal_key: string;
  direction: number;
  raw_confidence: number;
  confidence: number;
  calibrated: number;
  map_version: string;
}

interface OutcomeRow {
  id: string;
  start_ms: number;
  observed_ms: number;
  realised_return: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS signals (
  id TEXT PRIMARY KEY,
  asset TEXT NOT NULL,
  published_ms INTEGER NOT NULL,
  sessions INTEGER NOT NULL,
  cal_key TEXT NOT NULL,
  direction INTEGER NOT NULL,
  sentiment REAL NOT NULL,
  raw_confidence REAL NOT NULL,
  confidence REAL NOT NULL,
  calibrated INTEGER NOT NULL,
  map_version TEXT NOT NULL,
  timeframe TEXT NOT NULL,
  source TEXT NOT NULL,
  model TEXT NOT NULL,
  event_category TEXT NOT NULL,
  recorded_ms INTEGER NOT NULL,
  labelled INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS signals_unlabelled ON signals (asset, sessions, published_ms) WHERE labelled = 0;
CREATE TABLE IF NOT EXISTS outcomes (
  id TEXT PRIMARY KEY,
  signal_id TEXT,
  asset TEXT NOT NULL,
  sessions INTEGER,
  start_ms INTEGER NOT NULL,
  observed_ms INTEGER NOT NULL,
  horizon_s REAL NOT NULL,
  realised_return REAL NOT NULL,
  recorded_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outcomes_window ON outcomes (asset, sessions, start_ms) WHERE signal_id IS NULL;
CREATE INDEX IF NOT EXISTS outcomes_signal ON outcomes (signal_id) WHERE signal_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS labels (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  signal_id TEXT NOT NULL UNIQUE,
  outcome_id TEXT NOT NULL,
  cal_key TEXT NOT NULL,
  direction INTEGER NOT NULL,
  raw_confidence REAL NOT NULL,
  served_confidence REAL NOT NULL,
  calibrated INTEGER NOT NULL,
  map_version TEXT NOT NULL,
  correct INTEGER,
  realised_return REAL NOT NULL,
  published_ms INTEGER NOT NULL,
  observed_ms INTEGER NOT NULL,
  learnt INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS labels_key ON labels (cal_key, seq);
CREATE INDEX IF NOT EXISTS labels_pending ON labels (seq) WHERE learnt = 0;
CREATE TABLE IF NOT EXISTS maps (
  version TEXT PRIMARY KEY,
  cal_key TEXT NOT NULL,
  method TEXT NOT NULL,
  n INTEGER NOT NULL,
  fitted_on INTEGER NOT NULL,
  map_json TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS maps_key ON maps (cal_key, n);
`;

const DEFAULT_MAX_ENTRY_WAIT_MS = 5 * 24 * 3600 * 1000;

function labelOf(r: LabelRow): LabelRecord {
  return { ...r, calibrated: r.calibrated === 1, learnt: r.learnt === 1, correct: r.correct === null ? null : r.correct === 1 ? 1 : 0 };
}

/** 1 when the direction matched the sign of the return; a flat return is no win. */
export function isCorrect(direction: number, realisedReturn: number): 0 | 1 | null {
  if (direction === 0) return null;
  return Math.sign(realisedReturn) === direction ? 1 : 0;
}

export class Ledger {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly maxEntryWaitMs: number;
  private readonly clock: () => number;
  private readonly stmt: ReturnType<Ledger['prepareAll']>;

  private constructor(path: string, opts: LedgerOptions) {
    this.path = path;
    this.db = new Database(path);
    this.maxEntryWaitMs = opts.maxEntryWaitMs ?? DEFAULT_MAX_ENTRY_WAIT_MS;
    this.clock = opts.clock ?? Date.now;
    if (!this.db.memory) {
      // WAL: readers never block the writer; NORMAL: a commit survives a process crash (not a power cut) without an fsync each.
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
    }
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    const v = (this.db.prepare('SELECT value FROM meta WHERE key = ?').get('schema_version') as { value: string } | undefined)?.value;
    if (v === undefined)
      this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(LEDGER_SCHEMA_VERSION));
    else if (Number(v) !== LEDGER_SCHEMA_VERSION)
      throw new LedgerError(`${path}: ledger schema version ${v}, this build reads ${LEDGER_SCHEMA_VERSION}`);
    this.stmt = this.prepareAll();
  }

  /** Opens (creating if needed) a ledger file; `null` or `:memory:` keeps it in memory for this process only. */
  static open(path: string | null, opts: LedgerOptions = {}): Ledger {
    return new Ledger(path ?? ':memory:', opts);
  }

  get inMemory(): boolean {
    return this.db.memory;
  }

  private prepareAll() {
    const db = this.db;
    return {
      insertSignal: db.prepare(
        `INSERT OR IGNORE INTO signals (id, asset, published_ms, sessions, cal_key, direction, sentiment, raw_confidence, confidence,
           calibrated, map_version, timeframe, source, model, event_category, recorded_ms)
         VALUES (@id, @asset, @published_ms, @sessions, @cal_key, @direction, @sentiment, @raw_confidence, @confidence,
           @calibrated, @map_version, @timeframe, @source, @model, @event_category, @recorded_ms)`,
      ),
      insertOutcome: db.prepare(
        `INSERT OR IGNORE INTO outcomes (id, signal_id, asset, sessions, start_ms, observed_ms, horizon_s, realised_return, recorded_ms)
         VALUES (@id, @signal_id, @asset, @sessions, @start_ms, @observed_ms, @horizon_s, @realised_return, @recorded_ms)`,
      ),
      outcomeForSignalId: db.prepare(
        'SELECT id, start_ms, observed_ms, realised_return FROM outcomes WHERE signal_id = ? ORDER BY recorded_ms LIMIT 1',
      ),
      windowForSignal: db.prepare(
        `SELECT id, start_ms, observed_ms, realised_return FROM outcomes
         WHERE signal_id IS NULL AND asset = ? AND sessions = ? AND start_ms >= ? AND start_ms <= ?
         ORDER BY start_ms LIMIT 1`,
      ),
      signalById: db.prepare(
        'SELECT id, asset, published_ms, sessions, cal_key, direction, raw_confidence, confidence, calibrated, map_version FROM signals WHERE id = ? AND labelled = 0',
      ),
      // Unlabelled signals whose first window is this one: published at or before its start, within the wait, and
      // no other window of the same horizon starting between them.
      signalsForWindow: db.prepare(
        `SELECT s.id, s.asset, s.published_ms, s.sessions, s.cal_key, s.direction, s.raw_confidence, s.confidence, s.calibrated, s.map_version
         FROM signals s
         WHERE s.labelled = 0 AND s.asset = @asset AND s.sessions = @sessions AND s.published_ms <= @start AND s.published_ms >= @earliest
           AND NOT EXISTS (SELECT 1 FROM outcomes o WHERE o.signal_id IS NULL AND o.asset = s.asset AND o.sessions = s.sessions
                           AND o.start_ms >= s.published_ms AND o.start_ms < @start)
         ORDER BY s.published_ms, s.id`,
      ),
      insertLabel: db.prepare(
        `INSERT OR IGNORE INTO labels (signal_id, outcome_id, cal_key, direction, raw_confidence, served_confidence, calibrated, map_version,
           correct, realised_return, published_ms, observed_ms, learnt)
         VALUES (@signal_id, @outcome_id, @cal_key, @direction, @raw_confidence, @served_confidence, @calibrated, @map_version,
           @correct, @realised_return, @published_ms, @observed_ms, @learnt)`,
      ),
      markLabelled: db.prepare('UPDATE signals SET labelled = 1 WHERE id = ?'),
      labelBySeq: db.prepare('SELECT * FROM labels WHERE seq = ?'),
      markLearnt: db.prepare('UPDATE labels SET learnt = 1 WHERE seq = ?'),
      insertMap: db.prepare(
        `INSERT OR REPLACE INTO maps (version, cal_key, method, n, fitted_on, map_json, created_ms)
         VALUES (@version, @cal_key, @method, @n, @fitted_on, @map_json, @created_ms)`,
      ),
    };
  }

  /** Stores a signal (idempotent by id) and labels it at once when its outcome is already known. */
  recordSignal(rec: SignalRecord): { inserted: boolean; label?: LabelRecord } {
    return this.db.transaction((): { inserted: boolean; label?: LabelRecord } => {
      const res = this.stmt.insertSignal.run({ ...rec, calibrated: rec.calibrated ? 1 : 0, recorded_ms: this.clock() });
      if (res.changes === 0) return { inserted: false };
      const direct = this.stmt.outcomeForSignalId.get(rec.id) as OutcomeRow | undefined;
      const window =
        direct ??
        (this.stmt.windowForSignal.get(rec.asset, rec.sessions, rec.published_ms, rec.published_ms + this.maxEntryWaitMs) as
          OutcomeRow | undefined);
      if (!window) return { inserted: true };
      const label = this.label({ ...rec, calibrated: rec.calibrated ? 1 : 0 }, window);
      return label ? { inserted: true, label } : { inserted: true };
    })();
  }

  /** Stores an outcome (idempotent by id) and labels every waiting signal it completes. */
  recordOutcome(o: Outcome): { inserted: boolean; labels: LabelRecord[] } {
    return this.db.transaction(() => this.recordOutcomeTx(o))();
  }

  /** Many outcomes in one transaction: a price file's worth in well under a second. */
  recordOutcomes(os: readonly Outcome[]): { inserted: number; labels: LabelRecord[] } {
    return this.db.transaction(() => {
      let inserted = 0;
      const labels: LabelRecord[] = [];
      for (const o of os) {
        const r = this.recordOutcomeTx(o);
        if (r.inserted) inserted += 1;
        for (const l of r.labels) labels.push(l);
      }
      return { inserted, labels };
    })();
  }

  private recordOutcomeTx(o: Outcome): { inserted: boolean; labels: LabelRecord[] } {
    const start = outcomeStartMs(o);
    const row = {
      id: o.id,
      signal_id: o.signal_id ?? null,
      asset: o.asset,
      sessions: o.sessions ?? null,
      start_ms: start,
      observed_ms: o.observed_at,
      horizon_s: o.horizon_s,
      realised_return: o.realised_return,
      recorded_ms: this.clock(),
    };
    if (this.stmt.insertOutcome.run(row).changes === 0) return { inserted: false, labels: [] };
    const window: OutcomeRow = { id: o.id, start_ms: start, observed_ms: o.observed_at, realised_return: o.realised_return };
    let waiting: SignalRow[];
    if (o.signal_id !== undefined) {
      const s = this.stmt.signalById.get(o.signal_id) as SignalRow | undefined;
      waiting = s ? [s] : [];
    } else if (o.sessions !== undefined) {
      waiting = this.stmt.signalsForWindow.all({
        asset: o.asset,
        sessions: o.sessions,
        start,
        earliest: start - this.maxEntryWaitMs,
      }) as SignalRow[];
    } else {
      // Without a session count the window cannot be matched to a horizon: kept for the record, joined to nothing.
      waiting = [];
    }
    const labels: LabelRecord[] = [];
    for (const s of waiting) {
      const l = this.label(s, window);
      if (l) labels.push(l);
    }
    return { inserted: true, labels };
  }

  private label(s: Omit<SignalRow, 'asset' | 'sessions'>, o: OutcomeRow): LabelRecord | undefined {
    const correct = isCorrect(s.direction, o.realised_return);
    const res = this.stmt.insertLabel.run({
      signal_id: s.id,
      outcome_id: o.id,
      cal_key: s.cal_key,
      direction: s.direction,
      raw_confidence: s.raw_confidence,
      served_confidence: s.confidence,
      calibrated: s.calibrated,
      map_version: s.map_version,
      correct,
      realised_return: o.realised_return,
      published_ms: s.published_ms,
      observed_ms: o.observed_ms,
      // A HOLD has nothing for the calibrator to learn.
      learnt: correct === null ? 1 : 0,
    });
    if (res.changes === 0) return undefined;
    this.stmt.markLabelled.run(s.id);
    return labelOf(this.stmt.labelBySeq.get(res.lastInsertRowid) as LabelRow);
  }

  /** Marks labels as folded into the calibrator and stores the maps fitted meanwhile, atomically. */
  commitLearnt(seqs: readonly number[], maps: readonly Omit<MapRecord, 'created_ms'>[]): void {
    this.db.transaction(() => {
      for (const s of seqs) this.stmt.markLearnt.run(s);
      for (const m of maps) this.stmt.insertMap.run({ ...m, created_ms: this.clock() });
    })();
  }

  /** Labels the calibrator has not folded in yet, in the order they were made. */
  pendingLabels(): LabelRecord[] {
    return (this.db.prepare('SELECT * FROM labels WHERE learnt = 0 ORDER BY seq').all() as LabelRow[]).map(labelOf);
  }

  /** Per key: how many labels were learnt, and the newest `keep` of them (oldest first) to refit from. */
  learntByKey(keep: number): Map<string, { n: number; scores: number[]; outcomes: (0 | 1)[] }> {
    const out = new Map<string, { n: number; scores: number[]; outcomes: (0 | 1)[] }>();
    const counts = this.db
      .prepare('SELECT cal_key, COUNT(*) AS n FROM labels WHERE learnt = 1 AND correct IS NOT NULL GROUP BY cal_key')
      .all() as { cal_key: string; n: number }[];
    const recent = this.db.prepare(
      'SELECT raw_confidence, correct FROM (SELECT seq, raw_confidence, correct FROM labels WHERE cal_key = ? AND learnt = 1 AND correct IS NOT NULL ORDER BY seq DESC LIMIT ?) ORDER BY seq',
    );
    for (const { cal_key, n } of counts) {
      const rows = recent.all(cal_key, keep) as { raw_confidence: number; correct: number }[];
      out.set(cal_key, { n, scores: rows.map((r) => r.raw_confidence), outcomes: rows.map((r) => (r.correct === 1 ? 1 : 0)) });
    }
    return out;
  }

  /** The newest map of each key. */
  latestMaps(): MapRecord[] {
    return this.db
      .prepare('SELECT m.* FROM maps m WHERE m.n = (SELECT MAX(n) FROM maps WHERE cal_key = m.cal_key) ORDER BY m.cal_key')
      .all() as MapRecord[];
  }

  maps(calKey?: string): MapRecord[] {
    return (
      calKey === undefined
        ? this.db.prepare('SELECT * FROM maps ORDER BY cal_key, n').all()
        : this.db.prepare('SELECT * FROM maps WHERE cal_key = ? ORDER BY n').all(calKey)
    ) as MapRecord[];
  }

  /** Labels with a direction (HOLDs excluded), ordered by signal time: the material of held-out evaluation. */
  directionalLabels(): LabelRecord[] {
    return (this.db.prepare('SELECT * FROM labels WHERE correct IS NOT NULL ORDER BY published_ms, seq').all() as LabelRow[]).map(labelOf);
  }

  labelFor(signalId: string): LabelRecord | undefined {
    const r = this.db.prepare('SELECT * FROM labels WHERE signal_id = ?').get(signalId) as LabelRow | undefined;
    return r ? labelOf(r) : undefined;
  }

  counts(): LedgerCounts {
    const one = (sql: string): number => (this.db.prepare(sql).get() as { n: number }).n;
    return {
      signals: one('SELECT COUNT(*) AS n FROM signals'),
      outcomes: one('SELECT COUNT(*) AS n FROM outcomes'),
      labels: one('SELECT COUNT(*) AS n FROM labels'),
      learnt: one('SELECT COUNT(*) AS n FROM labels WHERE learnt = 1 AND correct IS NOT NULL'),
      maps: one('SELECT COUNT(*) AS n FROM maps'),
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
