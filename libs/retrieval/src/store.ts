/**
 * The document store: SQLite through better-sqlite3, the source of truth of J3. Every document is one committed
 * row (text, metadata, novelty, its vector as float32 bytes); the vector index is a cache rebuilt or caught up from
 * here, so a crash between a commit and an index snapshot loses nothing. Nothing is ever unpickled: rows are plain
 * columns and the vector a little-endian float32 blob.
 *
 * WAL with synchronous=NORMAL: a commit survives the process being killed (kill -9); only an OS crash or power
 * loss can take the last commits back, which the index rebuild then tolerates.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface StoredDoc {
  /** SQLite rowid: monotonically increasing, the id the vector index knows. */
  rowid: number;
  id: string;
  text: string;
  asset: string;
  source: string;
  kind: string;
  publishedAt: string;
  publishedMs: number;
  receivedMs: number;
  /** Nearest earlier document when it was stored, its similarity, and its chain's first story. */
  nearestId: string | null;
  similarity: number | null;
  duplicateOf: string | null;
}

export interface NewDoc extends Omit<StoredDoc, 'rowid'> {
  vector: Float32Array;
}

interface Row {
  rowid: number;
  id: string;
  text: string;
  asset: string;
  source: string;
  kind: string;
  published_at: string;
  published_ms: number;
  received_ms: number;
  nearest_id: string | null;
  similarity: number | null;
  duplicate_of: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS docs (
  rowid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  text TEXT NOT NULL,
  asset TEXT NOT NULL,
  source TEXT NOT NULL,
  kind TEXT NOT NULL,
  published_at TEXT NOT NULL,
  published_ms INTEGER NOT NULL,
  received_ms INTEGER NOT NULL,
  nearest_id TEXT,
  similarity REAL,
  duplicate_of TEXT,
  vector BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_asset_published ON docs (asset, published_ms);
CREATE INDEX IF NOT EXISTS docs_published ON docs (published_ms);
CREATE INDEX IF NOT EXISTS docs_received ON docs (received_ms);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

const COLUMNS = 'rowid, id, text, asset, source, kind, published_at, published_ms, received_ms, nearest_id, similarity, duplicate_of';

export function vectorToBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export function blobToVector(b: Buffer): Float32Array {
  // A copy into a fresh (aligned) buffer: the blob's memory is not guaranteed to be 4-byte aligned.
  return new Float32Array(Uint8Array.prototype.slice.call(b).buffer);
}

function toDoc(r: Row): StoredDoc {
  return {
    rowid: r.rowid,
    id: r.id,
    text: r.text,
    asset: r.asset,
    source: r.source,
    kind: r.kind,
    publishedAt: r.published_at,
    publishedMs: r.published_ms,
    receivedMs: r.received_ms,
    nearestId: r.nearest_id,
    similarity: r.similarity,
    duplicateOf: r.duplicate_of,
  };
}

export class DocStore {
  private readonly db: Database.Database;
  private readonly stmts;

  /** `path` null: an in-memory database (nothing survives the process). `readonly`: a background builder's view. */
  constructor(
    readonly path: string | null,
    opts: { readonly?: boolean } = {},
  ) {
    if (opts.readonly) {
      if (path === null) throw new Error('a read-only store needs a file');
      this.db = new Database(path, { readonly: true, fileMustExist: true });
    } else {
      if (path !== null) mkdirSync(dirname(path), { recursive: true });
      this.db = new Database(path ?? ':memory:');
      if (path !== null) {
        this.db.pragma('journal_mode = WAL');
        this.db.pragma('synchronous = NORMAL');
      }
      this.db.exec(SCHEMA);
    }
    this.stmts = {
      insert: this.db.prepare(
        `INSERT INTO docs (id, text, asset, source, kind, published_at, published_ms, received_ms, nearest_id, similarity, duplicate_of, vector)
         VALUES (@id, @text, @asset, @source, @kind, @published_at, @published_ms, @received_ms, @nearest_id, @similarity, @duplicate_of, @vector)`,
      ),
      byId: this.db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM docs WHERE id = ?`),
      byRowid: this.db.prepare<[number], Row>(`SELECT ${COLUMNS} FROM docs WHERE rowid = ?`),
      count: this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM docs'),
      countUpTo: this.db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM docs WHERE rowid <= ?'),
      maxRowid: this.db.prepare<[], { m: number | null }>('SELECT MAX(rowid) AS m FROM docs'),
      getMeta: this.db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      vectorsAfter: this.db.prepare<[number, number], { rowid: number; vector: Buffer }>(
        'SELECT rowid, vector FROM docs WHERE rowid > ? ORDER BY rowid LIMIT ?',
      ),
      expired: this.db.prepare<[number], { rowid: number }>('SELECT rowid FROM docs WHERE received_ms < ?'),
      deleteExpired: this.db.prepare('DELETE FROM docs WHERE received_ms < ?'),
      setVector: this.db.prepare('UPDATE docs SET vector = ? WHERE rowid = ?'),
      textsAfter: this.db.prepare<[number, number], { rowid: number; text: string }>(
        'SELECT rowid, text FROM docs WHERE rowid > ? ORDER BY rowid LIMIT ?',
      ),
    };
  }

  insert(doc: NewDoc): StoredDoc {
    const info = this.stmts.insert.run({
      id: doc.id,
      text: doc.text,
      asset: doc.asset,
      source: doc.source,
      kind: doc.kind,
      published_at: doc.publishedAt,
      published_ms: doc.publishedMs,
      received_ms: doc.receivedMs,
      nearest_id: doc.nearestId,
      similarity: doc.similarity,
      duplicate_of: doc.duplicateOf,
      vector: vectorToBlob(doc.vector),
    });
    const { vector: _v, ...rest } = doc;
    return { rowid: Number(info.lastInsertRowid), ...rest };
  }

  getById(id: string): StoredDoc | null {
    const r = this.stmts.byId.get(id);
    return r ? toDoc(r) : null;
  }

  getByRowid(rowid: number): StoredDoc | null {
    const r = this.stmts.byRowid.get(rowid);
    return r ? toDoc(r) : null;
  }

  /** Rows for index labels, in one query; missing rowids (removed by retention) are simply absent. */
  getMany(rowids: readonly number[]): Map<number, StoredDoc> {
    const out = new Map<number, StoredDoc>();
    for (let i = 0; i < rowids.length; i += 500) {
      const chunk = rowids.slice(i, i + 500);
      const rows = this.db
        .prepare<number[], Row>(`SELECT ${COLUMNS} FROM docs WHERE rowid IN (${chunk.map(() => '?').join(',')})`)
        .all(...chunk);
      for (const r of rows) out.set(r.rowid, toDoc(r));
    }
    return out;
  }

  count(): number {
    return this.stmts.count.get()!.n;
  }

  countUpTo(rowid: number): number {
    return this.stmts.countUpTo.get(rowid)!.n;
  }

  maxRowid(): number {
    return this.stmts.maxRowid.get()!.m ?? 0;
  }

  /** Vectors in rowid order after `rowid`, in pages (catch-up and rebuilds). */
  *vectorsAfter(rowid: number, page = 5000): Generator<{ rowid: number; vector: Float32Array }> {
    let last = rowid;
    for (;;) {
      const rows = this.stmts.vectorsAfter.all(last, page);
      if (rows.length === 0) return;
      for (const r of rows) yield { rowid: r.rowid, vector: blobToVector(r.vector) };
      last = rows[rows.length - 1]!.rowid;
    }
  }

  /** Documents matching a filter, for exact scans when a filter leaves few candidates. */
  countMatching(filter: { asset?: string; sinceMs?: number }): number {
    const { sql, args } = where(filter);
    return this.db.prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM docs ${sql}`).get(...args)!.n;
  }

  *vectorsMatching(filter: { asset?: string; sinceMs?: number }): Generator<{ rowid: number; vector: Float32Array }> {
    const { sql, args } = where(filter);
    for (const r of this.db
      .prepare<unknown[], { rowid: number; vector: Buffer }>(`SELECT rowid, vector FROM docs ${sql}`)
      .iterate(...args)) {
      yield { rowid: r.rowid, vector: blobToVector(r.vector) };
    }
  }

  /** The whole database as bytes (an in-memory store handing a copy to a background index build). */
  serialize(): Buffer {
    return this.db.serialize();
  }

  /** Newest publication time stored; null when empty. */
  newestPublishedMs(): number | null {
    return this.db.prepare<[], { m: number | null }>('SELECT MAX(published_ms) AS m FROM docs').get()!.m;
  }

  /** Documents published at or after `sinceMs` with their vectors (to warm the in-memory recent window at start). */
  *publishedSince(sinceMs: number): Generator<{
    rowid: number;
    id: string;
    text: string;
    asset: string | null;
    publishedMs: number;
    duplicateOf: string | null;
    vector: Float32Array;
  }> {
    const stmt = this.db.prepare<
      [number],
      { rowid: number; id: string; text: string; asset: string | null; published_ms: number; duplicate_of: string | null; vector: Buffer }
    >('SELECT rowid, id, text, asset, published_ms, duplicate_of, vector FROM docs WHERE published_ms >= ? ORDER BY rowid');
    for (const r of stmt.iterate(sinceMs))
      yield {
        rowid: r.rowid,
        id: r.id,
        text: r.text,
        asset: r.asset,
        publishedMs: r.published_ms,
        duplicateOf: r.duplicate_of,
        vector: blobToVector(r.vector),
      };
  }

  /** Removes documents received before `cutoffMs`; returns their rowids (the index drops them too). */
  deleteReceivedBefore(cutoffMs: number): number[] {
    return this.db.transaction(() => {
      const ids = this.stmts.expired.all(cutoffMs).map((r) => r.rowid);
      if (ids.length) this.stmts.deleteExpired.run(cutoffMs);
      return ids;
    })();
  }

  *textsAfter(rowid: number, page = 1000): Generator<{ rowid: number; text: string }> {
    let last = rowid;
    for (;;) {
      const rows = this.stmts.textsAfter.all(last, page);
      if (rows.length === 0) return;
      yield* rows;
      last = rows[rows.length - 1]!.rowid;
    }
  }

  /** Replaces vectors in one transaction (re-encoding after an encoder change). */
  setVectors(items: readonly { rowid: number; vector: Float32Array }[]): void {
    this.db.transaction(() => {
      for (const it of items) this.stmts.setVector.run(vectorToBlob(it.vector), it.rowid);
    })();
  }

  getMeta(key: string): string | null {
    return this.stmts.getMeta.get(key)?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.stmts.setMeta.run(key, value);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function where(filter: { asset?: string; sinceMs?: number }): { sql: string; args: unknown[] } {
  const parts: string[] = [];
  const args: unknown[] = [];
  if (filter.asset !== undefined) {
    parts.push('asset = ?');
    args.push(filter.asset);
  }
  if (filter.sinceMs !== undefined) {
    parts.push('published_ms >= ?');
    args.push(filter.sinceMs);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args };
}
