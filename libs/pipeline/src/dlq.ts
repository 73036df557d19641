import {
  DeadLetterReplay,
  decodeAs,
  decodeRaw,
  encode,
  Rejection,
  ReplayHeader,
  STAGES,
  type BusNames,
  type Stage,
} from '@himari/contracts';
import type { StoredMessage, StreamBrowser } from '@himari/bus';

/** One dead letter as an operator sees it; `id` is its stream sequence, stable until it is purged or ages out. */
export interface DeadLetterEntry {
  id: number;
  stage: Stage;
  code: string;
  reason: string;
  news_id?: string;
  /** The input subject the item failed on: where a replay sends it. */
  subject: string;
  msg_id: string;
  /** Deliveries of the failing attempt. */
  deliveries: number;
  /** When the item was first dead-lettered (its oldest dead letter, across replays), epoch ms. */
  first_seen_ms: number;
  /** When this dead letter was written, epoch ms. */
  last_seen_ms: number;
  /** How many replays the item had gone through when it failed this time (0: never replayed). */
  replay_count: number;
  /** Ids of the item's earlier dead letters, oldest first. */
  previous: number[];
  /** How many times this dead letter itself has been replayed. */
  replays: number;
  payload: Uint8Array;
}

export interface DeadLetterFilter {
  stage?: Stage;
  code?: string;
  /** Only dead letters written at or after this epoch ms. */
  sinceMs?: number;
  ids?: readonly number[];
}

export interface ReplayOptions extends DeadLetterFilter {
  /** Report what would be replayed, publish nothing. */
  dryRun?: boolean;
  /** Replay dead letters that were replayed before (by default they are skipped: their re-drive already happened). */
  again?: boolean;
}

export interface ReplayResult {
  id: number;
  stage: Stage;
  news_id?: string;
  subject: string;
  msg_id: string;
  replay_count: number;
  /** replayed: published now; duplicate: the bus already had this replay (a concurrent or repeated run); skipped: replayed before; dry-run. */
  status: 'replayed' | 'duplicate' | 'skipped' | 'dry-run';
}

export class DeadLetterError extends Error {
  override readonly name = 'DeadLetterError';
  readonly retryable = false;
}

/**
 * The JetStream DLQ of one deployment: list, show, replay and purge dead letters. Replays go back to the input
 * subject the item failed on with a fresh message id (so de-duplication keeps them) and history headers (so a second
 * failure keeps them); each replay is recorded on `<prefix>.v1.replayed.<stage>`.
 */
export class DeadLetterQueue {
  constructor(
    private readonly browser: StreamBrowser,
    private readonly names: BusNames,
    private readonly clock: () => number = Date.now,
  ) {}

  async list(filter: DeadLetterFilter = {}): Promise<DeadLetterEntry[]> {
    const [letters, records] = await Promise.all([this.browser.list(this.names.deadLetterAll), this.browser.list(this.names.replayedAll)]);
    const replays = countReplays(records);
    return letters.map((m) => toEntry(m, replays.get(m.seq) ?? 0)).filter((e) => matchesFilter(e, filter));
  }

  async show(id: number): Promise<DeadLetterEntry | undefined> {
    const m = await this.browser.get(id);
    if (!m || !this.isDeadLetterSubject(m.subject)) return undefined;
    const records = await this.browser.list(this.names.replayedAll);
    return toEntry(m, countReplays(records).get(id) ?? 0);
  }

  async replay(opts: ReplayOptions = {}): Promise<ReplayResult[]> {
    const results: ReplayResult[] = [];
    for (const e of await this.list(opts)) {
      this.assertReplayable(e);
      const count = e.replay_count + 1;
      // One id per (dead letter, its n-th replay): two operators replaying at once publish it once.
      const msgId = `replay:${this.names.prefix}:${e.id}:${e.replays + 1}`;
      const base = { id: e.id, stage: e.stage, subject: e.subject, msg_id: msgId, replay_count: count, ...newsId(e) };
      if (e.replays > 0 && !opts.again) {
        results.push({ ...base, status: 'skipped' });
        continue;
      }
      if (opts.dryRun) {
        results.push({ ...base, status: 'dry-run' });
        continue;
      }
      const headers = {
        [ReplayHeader.count]: String(count),
        [ReplayHeader.previous]: [...e.previous, e.id].join(','),
        [ReplayHeader.firstSeen]: String(e.first_seen_ms),
      };
      const published = await this.browser.publish(e.subject, e.payload, { msgId, headers });
      const record: DeadLetterReplay = {
        v: 1,
        stage: e.stage,
        dlq_seq: e.id,
        subject: e.subject,
        msg_id: msgId,
        replay_count: count,
        at: this.clock(),
        ...newsId(e),
      };
      await this.browser.publish(this.names.replayed(e.stage), encode(DeadLetterReplay.parse(record)), { msgId: `replayed:${msgId}` });
      results.push({ ...base, status: published.duplicate ? 'duplicate' : 'replayed' });
    }
    return results;
  }

  /** Deletes the matching dead letters; returns their ids. */
  async purge(filter: DeadLetterFilter): Promise<number[]> {
    const removed: number[] = [];
    for (const e of await this.list(filter)) if (await this.browser.remove(e.id)) removed.push(e.id);
    return removed;
  }

  private isDeadLetterSubject(subject: string): boolean {
    return STAGES.some((s) => this.names.deadLetter(s) === subject);
  }

  /** A dead letter names its own input subject: refuse one that would publish outside this deployment's topics. */
  private assertReplayable(e: DeadLetterEntry): void {
    const base = this.names.streamSubjects.slice(0, -1);
    const rest = e.subject.startsWith(base) ? e.subject.slice(base.length) : '';
    if (rest === '' || rest.startsWith('dlq.') || rest.startsWith('replayed.')) {
      throw new DeadLetterError(
        `dead letter ${e.id} names subject ${JSON.stringify(e.subject)}, not an input topic of ${this.names.prefix}`,
      );
    }
  }
}

function newsId(e: { news_id?: string }): { news_id?: string } {
  return e.news_id !== undefined ? { news_id: e.news_id } : {};
}

function countReplays(records: readonly StoredMessage[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of records) {
    let rec: DeadLetterReplay;
    try {
      rec = decodeAs(DeadLetterReplay, r.data);
    } catch {
      continue; // A record we cannot read changes no count; the dead letter stays listable.
    }
    out.set(rec.dlq_seq, (out.get(rec.dlq_seq) ?? 0) + 1);
  }
  return out;
}

export function toEntry(m: StoredMessage, replays: number): DeadLetterEntry {
  let r: Rejection;
  try {
    r = decodeAs(Rejection, m.data);
  } catch (err) {
    throw new DeadLetterError(`message ${m.seq} on ${m.subject} is not a dead letter: ${(err as Error).message}`, { cause: err });
  }
  const h = m.headers;
  const previous = (h[ReplayHeader.previous] ?? '')
    .split(',')
    .filter((s) => s !== '')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  const firstSeen = Number(h[ReplayHeader.firstSeen]);
  const count = Number(h[ReplayHeader.count]);
  return {
    id: m.seq,
    stage: r.stage as Stage,
    code: r.code,
    reason: r.reason,
    ...(r.news_id !== undefined ? { news_id: r.news_id } : {}),
    subject: r.subject,
    msg_id: r.msg_id,
    deliveries: r.delivery_count,
    first_seen_ms: Number.isFinite(firstSeen) && firstSeen > 0 ? firstSeen : r.at,
    last_seen_ms: r.at,
    replay_count: Number.isInteger(count) && count > 0 ? count : 0,
    previous,
    replays,
    payload: r.payload,
  };
}

export function matchesFilter(e: DeadLetterEntry, f: DeadLetterFilter): boolean {
  if (f.stage !== undefined && e.stage !== f.stage) return false;
  if (f.code !== undefined && e.code !== f.code) return false;
  if (f.sinceMs !== undefined && e.last_seen_ms < f.sinceMs) return false;
  if (f.ids !== undefined && !f.ids.includes(e.id)) return false;
  return true;
}

const DURATION_RE = /^(\d+(?:\.\d+)?)(s|m|h|d)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--since`: a duration back from now (`90s`, `15m`, `2h`, `7d`) or an ISO-8601 time. */
export function parseSince(text: string, now: number): number {
  const d = DURATION_RE.exec(text.trim());
  if (d) return now - Number(d[1]) * UNIT_MS[d[2] as keyof typeof UNIT_MS];
  const t = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim()) || Number.isNaN(t)) {
    throw new DeadLetterError(`--since ${JSON.stringify(text)}: use a duration (90s, 15m, 2h, 7d) or an ISO time (2026-12-06T07:00Z)`);
  }
  return t;
}

/** `--ids 3,7 9`: positive stream sequences. */
export function parseIds(texts: readonly string[]): number[] {
  const ids = texts.flatMap((t) => t.split(/[\s,]+/)).filter((s) => s !== '');
  return ids.map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n <= 0)
      throw new DeadLetterError(`dead-letter id ${JSON.stringify(s)}: ids are positive integers (see dlq list)`);
    return n;
  });
}

/** The original bytes for a person: JSON text as parsed JSON, msgpack decoded, else the text, else hex. */
export function describePayload(bytes: Uint8Array): { json: unknown } | { msgpack: unknown } | { text: string } | { hex: string } {
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    try {
      return { json: JSON.parse(text) as unknown };
    } catch {
      // Not JSON: maybe msgpack that happens to be valid UTF-8.
    }
  }
  try {
    return { msgpack: decodeRaw(bytes) };
  } catch {
    return text !== undefined ? { text } : { hex: Buffer.from(bytes).toString('hex') };
  }
}

/** What `dlq list` prints per entry when stdout is not a terminal (the payload is left to `dlq show`). */
export function entryJson(e: DeadLetterEntry): Record<string, unknown> {
  return {
    id: e.id,
    stage: e.stage,
    code: e.code,
    reason: e.reason,
    news_id: e.news_id ?? null,
    subject: e.subject,
    msg_id: e.msg_id,
    deliveries: e.deliveries,
    first_seen: new Date(e.first_seen_ms).toISOString(),
    last_seen: new Date(e.last_seen_ms).toISOString(),
    replay_count: e.replay_count,
    previous: e.previous,
    replays: e.replays,
    bytes: e.payload.length,
  };
}

/** `dlq show`: the entry, the decoded original and the reason. */
export function showJson(e: DeadLetterEntry): Record<string, unknown> {
  return { ...entryJson(e), original: describePayload(e.payload) };
}

const COLUMNS = ['ID', 'STAGE', 'CODE', 'NEWS ID', 'DELIV', 'REPLAYS', 'FIRST SEEN', 'LAST SEEN', 'REASON'] as const;

/** A fixed-width table for a terminal of `width` columns; the reason takes what is left and is cut with an ellipsis. */
export function formatTable(entries: readonly DeadLetterEntry[], width = 160): string {
  const rows = entries.map((e) => [
    String(e.id),
    e.stage,
    e.code,
    cut(e.news_id ?? '-', 24),
    String(e.deliveries),
    e.replays > 0 || e.replay_count > 0 ? `${e.replays} (item ${e.replay_count})` : '0',
    shortTime(e.first_seen_ms),
    shortTime(e.last_seen_ms),
    oneLine(e.reason),
  ]);
  const widths = COLUMNS.map((c, i) => (i === COLUMNS.length - 1 ? 0 : Math.max(c.length, ...rows.map((r) => r[i]!.length))));
  const fixed = widths.slice(0, -1).reduce((a, b) => a + b + 2, 0);
  const reasonWidth = Math.max(20, width - fixed);
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? cut(c, reasonWidth) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const footer = `${entries.length} dead letter${entries.length === 1 ? '' : 's'}`;
  return [line(COLUMNS), ...rows.map(line), footer].join('\n') + '\n';
}

function shortTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function cut(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, Math.max(0, n - 1))}…`;
}
