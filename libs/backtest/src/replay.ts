/**
 * Replays news through the real pipeline (every actor, embedded mode: in-memory bus and store) in time order, one
 * trade point at a time, with the outcome feed interleaved so that nothing reaches a signal before it was public.
 *
 * Batches: all items that trade at the same trade point (open or close of a session) form one batch, published
 * together and drained before the next. Before a batch, every outcome observed no later than the batch's earliest
 * item is published on `outcome` and the calibrator is waited on until it has learnt them (refits included). During a
 * batch no outcome arrives, so every signal of the batch is calibrated by the same maps, fitted only on returns that
 * were known before any of the batch's news: the signals are point-in-time and the run is deterministic.
 */
import type { Config } from '@himari/config';
import { decodeAs, encode, Rejection, STAGES, Topic, TradingSignal, type Outcome } from '@himari/contracts';
import type { Subscription } from '@himari/bus';
import type { Logger } from '@himari/observability';
import { outcomeStartMs, type CalibrationService, type SessionCalendar } from '@himari/outcomes';
import {
  createScorer,
  createStore,
  createTransport,
  namesFor,
  startActors,
  type RunningActors,
  type SelectedScorer,
} from '@himari/pipeline';
import type { NewsLine } from './news.ts';

export interface ReplayProgress {
  done: number;
  total: number;
  signals: number;
  rejected: number;
}

export interface ReplayOptions {
  config: Config;
  /** Time-ordered (see `parseNewsJsonl`). */
  news: readonly NewsLine[];
  calendar: SessionCalendar;
  /** Time-ordered by `observed_at`. */
  outcomes: readonly Outcome[];
  calibration: CalibrationService;
  log: Logger;
  onProgress?(p: ReplayProgress): void;
  /** A batch that makes no progress for this long fails the run. @default 60000 */
  idleTimeoutMs?: number;
}

export interface ReplayReject {
  line: number;
  id: string;
  stage: string;
  code: string;
  reason: string;
}

export interface ReplayResult {
  /** By news id. */
  signals: Map<string, TradingSignal>;
  rejects: ReplayReject[];
  /** Items published after the calendar's last close: nothing could trade them, so they were not replayed. */
  unplaced: number;
  batches: number;
  outcomesPublished: number;
  scorer: { name: string; version: string; kind: string };
  elapsedMs: number;
}

/** J3 answers within milliseconds; this only bounds a stuck request. */
const REPLAY_RAG_TIMEOUT_MS = 30_000;

export class ReplayStalledError extends Error {
  override readonly name = 'ReplayStalledError';
  readonly retryable = false;
}

interface Batch {
  tp: number;
  items: NewsLine[];
}

/** Trade-point index: 2·session for the open, 2·session + 1 for the close. */
export function tradePointIndex(session: number, point: 'open' | 'close'): number {
  return 2 * session + (point === 'close' ? 1 : 0);
}

function batchesOf(news: readonly NewsLine[], calendar: SessionCalendar): { batches: Batch[]; unplaced: number } {
  const batches: Batch[] = [];
  let unplaced = 0;
  for (const item of news) {
    const tp = calendar.tradePointOf(item.publishedMs);
    if (!tp) {
      unplaced += 1;
      continue;
    }
    const idx = tradePointIndex(tp.session, tp.point);
    const last = batches[batches.length - 1];
    if (last && last.tp === idx) last.items.push(item);
    else batches.push({ tp: idx, items: [item] });
  }
  return { batches, unplaced };
}

async function until(cond: () => boolean, idleMs: number, what: string, progress: () => number): Promise<void> {
  let lastValue = progress();
  let lastChange = Date.now();
  while (!cond()) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const v = progress();
    if (v !== lastValue) {
      lastValue = v;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > idleMs) {
      throw new ReplayStalledError(`${what}: no progress for ${idleMs} ms`);
    }
    // Let timers (retry backoffs) run too, without spinning the CPU.
    if (Date.now() - lastChange > 5) await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
}

export async function replayPipeline(opts: ReplayOptions): Promise<ReplayResult> {
  const started = Date.now();
  // Embedded mode, always: a backtest must not write into a live deployment's bus, Redis or J3 store. J3 keeps its
  // documents in memory, so novelty is judged against this replay's earlier news only (a store left by another run
  // would hold the future), and the classifier waits for J3 instead of timing out: a replay must not depend on load.
  // The index stays exact (flat): in time order every novelty search falls inside J3's in-memory recent window and
  // never touches the index, while an approximate one would be rebuilt at each doubling of the corpus, a copy of the
  // store and a training run competing with the replay for the machine's two cores.
  const config: Config = {
    ...opts.config,
    nats: { ...opts.config.nats, url: null },
    redis: { ...opts.config.redis, url: null },
    // Point in time: every item is replayed as news of its own day, so publication age against the wall clock means nothing.
    signals: { ...opts.config.signals, stale_news: { ...opts.config.signals.stale_news, policy: 'off' } },
    rag: {
      ...opts.config.rag,
      dir: null,
      index: { ...opts.config.rag.index, approximate_after: Number.MAX_SAFE_INTEGER },
      novelty: { ...opts.config.rag.novelty, timeout_ms: Math.max(opts.config.rag.novelty.timeout_ms, REPLAY_RAG_TIMEOUT_MS) },
    },
  };
  const { log, calibration } = opts;
  const idleMs = opts.idleTimeoutMs ?? 60_000;
  const names = namesFor(config);
  const transport = await createTransport(config, names, 'himari-backtest');
  const store = createStore(config, names);
  let scorer: SelectedScorer | undefined;
  let actors: RunningActors | undefined;
  const taps: Subscription[] = [];

  const signals = new Map<string, TradingSignal>();
  const rejects: ReplayReject[] = [];
  const pendingByMsg = new Map<string, NewsLine>();
  const pendingById = new Map<string, NewsLine>();
  const resolve = (item: NewsLine): void => {
    pendingByMsg.delete(msgIdOf(item));
    if (pendingById.get(item.id) === item) pendingById.delete(item.id);
  };

  try {
    taps.push(
      await transport.tap(names.subject(Topic.signalStored), (m) => {
        const s = decodeAs(TradingSignal, m.data);
        const item = pendingById.get(s.id);
        if (!item) return;
        resolve(item);
        signals.set(s.id, s);
      }),
      await transport.tap(names.deadLetterAll, (m) => {
        const r = decodeAs(Rejection, m.data);
        const item = pendingByMsg.get(r.msg_id) ?? (r.news_id !== undefined ? pendingById.get(r.news_id) : undefined);
        if (!item) return;
        resolve(item);
        rejects.push({ line: item.line, id: item.id, stage: r.stage, code: r.code, reason: r.reason });
      }),
    );
    await transport.ensureStream();
    scorer = await createScorer(config, log, STAGES);
    actors = await startActors(STAGES, { config, names, store, scorer, log, clock: Date.now, transport, calibration }, transport);

    const { batches, unplaced } = batchesOf(opts.news, opts.calendar);
    const total = opts.news.length - unplaced;
    // Only windows a replayed signal could join: the rest of the price history would just be bus traffic.
    const waitMs = config.calibration.max_entry_wait_s * 1000;
    const firstMs = batches[0]?.items[0]?.publishedMs ?? 0;
    const lastBatch = batches[batches.length - 1];
    const lastMs = lastBatch?.items[lastBatch.items.length - 1]?.publishedMs ?? 0;
    const feed = opts.outcomes.filter((o) => {
      const start = outcomeStartMs(o);
      return start >= firstMs && start <= lastMs + waitMs;
    });
    let done = 0;
    let nextOutcome = 0;
    let outcomesPublished = 0;
    const outcomesSeen = (): number => calibration.stats().outcomes;
    const baseOutcomes = outcomesSeen();

    const publishOutcomesUpTo = async (ms: number): Promise<void> => {
      const from = outcomesPublished;
      while (nextOutcome < feed.length && feed[nextOutcome]!.observed_at <= ms) {
        const o = feed[nextOutcome]!;
        await transport.publish(names.subject(Topic.outcome), encode(o), { msgId: `outcome:${o.id}` });
        nextOutcome += 1;
        outcomesPublished += 1;
      }
      if (outcomesPublished === from) return;
      await until(
        () => outcomesSeen() - baseOutcomes >= outcomesPublished,
        idleMs,
        'waiting for the calibrator to take the outcomes',
        outcomesSeen,
      );
      await calibration.whenIdle();
    };

    for (const batch of batches) {
      await publishOutcomesUpTo(batch.items[0]!.publishedMs);
      for (const item of batch.items) {
        pendingByMsg.set(msgIdOf(item), item);
        if (item.id !== '' && !pendingById.has(item.id)) pendingById.set(item.id, item);
        await transport.publish(names.subject(Topic.newsRaw), item.bytes, { msgId: msgIdOf(item) });
      }
      await until(
        () => pendingByMsg.size === 0,
        idleMs,
        `trade point ${batch.tp}`,
        () => signals.size + rejects.length,
      );
      done += batch.items.length;
      opts.onProgress?.({ done, total, signals: signals.size, rejected: rejects.length });
    }
    // The rest of the feed labels the last signals: the calibration report's newest held-out outcomes.
    await publishOutcomesUpTo(Number.MAX_SAFE_INTEGER);

    return {
      signals,
      rejects: rejects.sort((a, b) => a.line - b.line),
      unplaced,
      batches: batches.length,
      outcomesPublished,
      scorer: { name: scorer.name, version: scorer.version, kind: scorer.kind },
      elapsedMs: Date.now() - started,
    };
  } finally {
    await actors?.stop();
    for (const t of taps) await t.drain();
    await scorer?.close();
    await store.close();
    await transport.close();
  }
}

function msgIdOf(item: NewsLine): string {
  return `backtest:line-${item.line}`;
}
