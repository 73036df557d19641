/**
 * The cot-actor's memory, in one SQLite file (better-sqlite3): the audit trail of every chain (retrievable by signal
 * id), the bounded experience buffer (chains joined to their market outcomes) and the current policy. A replica
 * owns its file; `:memory:` (no path) is for tests and the embedded run.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import type { ChatMessage } from '@himari/llm';
import type { ChainStep, Factors } from './chain.ts';
import type { Action, Experience, PolicyState } from './policy.ts';

/** One sampled chain of an item. */
export interface ChainSample {
  text: string;
  direction: Action;
  confidence: number;
  sentiment: number;
}

export interface AuditTrail {
  signal_id: string;
  asset: string;
  created_ms: number;
  model: string;
  model_version: string;
  prompt_version: string;
  /** The messages the model saw (for preference data: same prompt, different answers). */
  prompt: ChatMessage[];
  steps: ChainStep[];
  factors: Factors;
  /** The model's own conclusion (the majority of the samples). */
  model_direction: Action;
  model_confidence: number;
  /** The policy's distribution over SELL/HOLD/BUY and its weight; null when it did not weigh in. */
  policy: { version: number; distribution: [number, number, number]; weight: number } | null;
  final_direction: Action;
  final_confidence: number;
  samples: ChainSample[];
  flags: string[];
}

interface TrailRow {
  signal_id: string;
  asset: string;
  created_ms: number;
  model: string;
  model_version: string;
  prompt_version: string;
  prompt_json: string;
  steps_json: string;
  factors_json: string;
  model_direction: number;
  model_confidence: number;
  policy_json: string | null;
  final_direction: number;
  final_confidence: number;
  samples_json: string;
  flags_json: string;
}

interface ExperienceRow {
  signal_id: string;
  asset: string;
  at: number;
  input_json: string;
  realised_return: number;
  action: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS trails (
  signal_id TEXT PRIMARY KEY,
  asset TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  model TEXT NOT NULL,
  model_version TEXT NOT NULL,
  prompt_version TEXT NOT NULL,
  prompt_json TEXT NOT NULL,
  steps_json TEXT NOT NULL,
  factors_json TEXT NOT NULL,
  model_direction INTEGER NOT NULL,
  model_confidence REAL NOT NULL,
  policy_json TEXT,
  final_direction INTEGER NOT NULL,
  final_confidence REAL NOT NULL,
  samples_json TEXT NOT NULL,
  flags_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS trails_asset_time ON trails (asset, created_ms);
CREATE TABLE IF NOT EXISTS experience (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  signal_id TEXT NOT NULL UNIQUE,
  asset TEXT NOT NULL,
  at INTEGER NOT NULL,
  input_json TEXT NOT NULL,
  realised_return REAL NOT NULL,
  action INTEGER
);
CREATE TABLE IF NOT EXISTS policy (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  state_json TEXT NOT NULL,
  updated_ms INTEGER NOT NULL
);
`;

/** Loaded on first use: processes that never run the cot-actor with a model do not load the native module. */
function openDatabase(path: string): BetterSqlite3.Database {
  const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  return new Database(path);
}

export class CotStore {
  private readonly db: BetterSqlite3.Database;

  constructor(path: string | null) {
    this.db = openDatabase(path ?? ':memory:');
    if (path !== null) this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
  }

  /** Idempotent by signal id: a redelivered item replaces its own trail. */
  saveTrail(t: AuditTrail): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO trails VALUES (@signal_id, @asset, @created_ms, @model, @model_version, @prompt_version, @prompt_json,
          @steps_json, @factors_json, @model_direction, @model_confidence, @policy_json, @final_direction, @final_confidence, @samples_json, @flags_json)`,
      )
      .run({
        signal_id: t.signal_id,
        asset: t.asset,
        created_ms: t.created_ms,
        model: t.model,
        model_version: t.model_version,
        prompt_version: t.prompt_version,
        prompt_json: JSON.stringify(t.prompt),
        steps_json: JSON.stringify(t.steps),
        factors_json: JSON.stringify(t.factors),
        model_direction: t.model_direction,
        model_confidence: t.model_confidence,
        policy_json: t.policy === null ? null : JSON.stringify(t.policy),
        final_direction: t.final_direction,
        final_confidence: t.final_confidence,
        samples_json: JSON.stringify(t.samples),
        flags_json: JSON.stringify(t.flags),
      });
  }

  trail(signalId: string): AuditTrail | null {
    const row = this.db.prepare('SELECT * FROM trails WHERE signal_id = ?').get(signalId) as TrailRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** The asset's trail nearest to `atMs` within `toleranceMs`: joins an outcome that names no signal id. */
  trailNear(asset: string, atMs: number, toleranceMs: number): AuditTrail | null {
    const row = this.db
      .prepare('SELECT * FROM trails WHERE asset = ? AND created_ms BETWEEN ? AND ? ORDER BY ABS(created_ms - ?) LIMIT 1')
      .get(asset, atMs - toleranceMs, atMs + toleranceMs, atMs) as TrailRow | undefined;
    return row ? fromRow(row) : null;
  }

  trailCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM trails').get() as { n: number }).n;
  }

  /**
   * Adds an experience (one per signal id; a repeated outcome is ignored) and drops the oldest beyond `capacity`.
   * Returns false when the signal already had one.
   */
  addExperience(e: Experience, capacity: number): boolean {
    const tx = this.db.transaction((): boolean => {
      const r = this.db
        .prepare('INSERT OR IGNORE INTO experience (signal_id, asset, at, input_json, realised_return, action) VALUES (?, ?, ?, ?, ?, ?)')
        .run(e.signal_id, e.asset, e.at, JSON.stringify(e.input), e.realised_return, e.action ?? null);
      if (r.changes === 0) return false;
      this.db.prepare('DELETE FROM experience WHERE seq <= (SELECT MAX(seq) FROM experience) - ?').run(capacity);
      return true;
    });
    return tx();
  }

  experiences(): Experience[] {
    const rows = this.db
      .prepare('SELECT signal_id, asset, at, input_json, realised_return, action FROM experience ORDER BY seq')
      .all() as ExperienceRow[];
    return rows.map((r) => ({
      signal_id: r.signal_id,
      asset: r.asset,
      at: r.at,
      input: JSON.parse(r.input_json) as Experience['input'],
      realised_return: r.realised_return,
      ...(r.action !== null ? { action: r.action as Action } : {}),
    }));
  }

  experienceCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM experience').get() as { n: number }).n;
  }

  loadPolicy(): PolicyState | null {
    const row = this.db.prepare('SELECT state_json FROM policy WHERE id = 1').get() as { state_json: string } | undefined;
    return row ? (JSON.parse(row.state_json) as PolicyState) : null;
  }

  savePolicy(p: PolicyState, nowMs: number): void {
    this.db.prepare('INSERT OR REPLACE INTO policy (id, state_json, updated_ms) VALUES (1, ?, ?)').run(JSON.stringify(p), nowMs);
  }

  /** Trails that have an experience (an outcome): the material of preference pairs. */
  trailsWithOutcomes(): Array<{ trail: AuditTrail; realised_return: number }> {
    const rows = this.db
      .prepare(
        'SELECT t.*, e.realised_return AS realised_return FROM trails t JOIN experience e ON e.signal_id = t.signal_id ORDER BY e.seq',
      )
      .all() as Array<TrailRow & { realised_return: number }>;
    return rows.map((r) => ({ trail: fromRow(r), realised_return: r.realised_return }));
  }

  close(): void {
    this.db.close();
  }
}

function fromRow(r: TrailRow): AuditTrail {
  return {
    signal_id: r.signal_id,
    asset: r.asset,
    created_ms: r.created_ms,
    model: r.model,
    model_version: r.model_version,
    prompt_version: r.prompt_version,
    prompt: JSON.parse(r.prompt_json) as ChatMessage[],
    steps: JSON.parse(r.steps_json) as ChainStep[],
    factors: JSON.parse(r.factors_json) as Factors,
    model_direction: r.model_direction as Action,
    model_confidence: r.model_confidence,
    policy: r.policy_json === null ? null : (JSON.parse(r.policy_json) as AuditTrail['policy']),
    final_direction: r.final_direction as Action,
    final_confidence: r.final_confidence,
    samples: JSON.parse(r.samples_json) as ChainSample[],
    flags: JSON.parse(r.flags_json) as string[],
  };
}
