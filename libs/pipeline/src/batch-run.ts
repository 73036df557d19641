import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Config } from '@himari/config';
import { decodeAs, encode, Rejection, Stage, STAGES, Topic, TradingSignal } from '@himari/contracts';
import { boundedReason, deadLetterPayload, errorCode, isRetryable, OVERSIZED_CODE } from '@himari/actor-runtime';
import type { Transport } from '@himari/bus';
import type { Logger } from '@himari/observability';
import type { SignalStore } from '@himari/signal-store';
import { LineMatcher, type Resolution } from './line-matcher.ts';
import { isBlank, peekId, readLines } from './lines.ts';
import { createStore, createTransport } from './connections.ts';
import { createScorer, namesFor, startActors, type RunningActors, type SelectedScorer } from './process.ts';

const PUBLISH_IN_FLIGHT = 256;

export interface RejectLine {
  line: number;
  id?: string;
  stage: string;
  code: string;
  reason: string;
}

export interface BatchRunOptions {
  config: Config;
  input: Readable;
  log: Logger;
  onSignal(signal: TradingSignal, line: number): void;
  onReject(reject: RejectLine): void;
  onProgress?(p: { published: number; resolved: number; signals: number; rejected: number }): void;
  /** false: the actors already run elsewhere (`himari serve`) on this prefix; only publish and collect. @default true */
  startActors?: boolean;
  /** A line with no signal and no dead letter after this long of no progress is reported as timed out. @default 60000 */
  idleTimeoutMs?: number;
  /** Lines in flight at most: bounds memory on huge inputs. @default 2000 */
  maxInFlight?: number;
}

export interface BatchRunSummary {
  items: number;
  signals: number;
  rejected: number;
  timedOut: number;
  elapsedMs: number;
  itemsPerS: number;
  transport: Transport['kind'];
  store: SignalStore['kind'];
  prefix: string;
  /** The J5 model that scored this run (`external` when the actors ran elsewhere). */
  sentimentModel: string;
}

/**
 * `himari run`: every non-blank input line ends as exactly one signal or one reject line. Lines are matched to
 * dead letters by their message id, and to signals by news id (see LineMatcher for lines sharing an id).
 */
export async function runBatch(opts: BatchRunOptions): Promise<BatchRunSummary> {
  const { config, log } = opts;
  const names = namesFor(config);
  const runId = randomUUID().slice(0, 8);
  const started = Date.now();
  const transport = await createTransport(config, names, `himari-run-${runId}`);
  const store = createStore(config, names, log);
  try {
    await store.ready();
  } catch (err) {
    await store.close();
    await transport.close();
    throw err;
  }
  let actors: RunningActors | undefined;
  let scorer: SelectedScorer | undefined;

  const matcher = new LineMatcher();
  let published = 0;
  let signals = 0;
  let rejected = 0;
  let lastProgress = Date.now();
  let wake: (() => void) | undefined;
  const progress = (): void => {
    lastProgress = Date.now();
    opts.onProgress?.({ published, resolved: signals + rejected, signals, rejected });
    wake?.();
  };
  const report = (resolutions: readonly Resolution[]): void => {
    for (const r of resolutions) {
      if (r.kind === 'signal') {
        signals += 1;
        opts.onSignal(r.signal, r.line.n);
      } else {
        rejected += 1;
        const id = r.line.id ?? r.rejection.news_id;
        opts.onReject({
          line: r.line.n,
          ...(id !== undefined ? { id } : {}),
          stage: r.rejection.stage,
          code: r.rejection.code,
          reason: r.rejection.reason,
        });
      }
    }
    if (resolutions.length) progress();
  };

  const onSignal = (data: Uint8Array): void => {
    let signal: TradingSignal;
    try {
      signal = decodeAs(TradingSignal, data);
    } catch (err) {
      log.error({ err: (err as Error).message }, 'undecodable signal on the stored subject');
      return;
    }
    report(matcher.onSignal(signal));
  };
  const onDeadLetter = (data: Uint8Array): void => {
    let r: Rejection;
    try {
      r = decodeAs(Rejection, data);
    } catch (err) {
      log.error({ err: (err as Error).message }, 'undecodable dead letter');
      return;
    }
    report(matcher.onReject(r));
  };

  const taps = [
    await transport.tap(names.subject(Topic.signalStored), (m) => onSignal(m.data)),
    await transport.tap(names.deadLetterAll, (m) => onDeadLetter(m.data)),
  ];
  try {
    await transport.ensureStream();
    if (opts.startActors !== false) {
      scorer = await createScorer(config, log, STAGES);
      actors = await startActors(STAGES, { config, names, store, scorer, log, clock: Date.now, transport }, transport);
    }
    const maxInFlight = opts.maxInFlight ?? 2000;
    const maxLineBytes = config.ingest.max_message_bytes;
    const rawSubject = names.subject(Topic.newsRaw);
    /**
     * One bad line never ends the run: a line over the size limit (which the bus may refuse outright) is
     * dead-lettered here, as the ingestor would, with a truncated payload, its length and sha256; a line the bus
     * refuses for good is dead-lettered the same way. Either way the line resolves as a reject.
     */
    const publishLine = async (bytes: Uint8Array, msgId: string): Promise<void> => {
      if (bytes.length > maxLineBytes) {
        await deadLetterLine(bytes, msgId, OVERSIZED_CODE, `the message is ${bytes.length} bytes, over the limit of ${maxLineBytes}`);
        return;
      }
      try {
        await publishRetrying(transport, rawSubject, bytes, msgId, idleTimeoutMs, log);
      } catch (err) {
        if (isRetryable(err)) throw err;
        await deadLetterLine(bytes, msgId, errorCode(err), `the bus refused the line: ${(err as Error).message}`);
      }
    };
    const deadLetterLine = async (bytes: Uint8Array, msgId: string, code: string, reason: string): Promise<void> => {
      const rejection: Rejection = {
        v: 1,
        stage: Stage.ingestor,
        code,
        reason: boundedReason(reason),
        msg_id: msgId,
        subject: rawSubject,
        delivery_count: 0,
        ...deadLetterPayload(bytes),
        at: Date.now(),
      };
      await transport.publish(names.deadLetter(Stage.ingestor), encode(rejection), { msgId: `dlq:${Stage.ingestor}:${msgId}` });
    };
    const idleTimeoutMs = opts.idleTimeoutMs ?? 60_000;
    const waitForRoom = async (limit: number): Promise<boolean> => {
      while (matcher.size > limit) {
        if (Date.now() - lastProgress > idleTimeoutMs) return false;
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 250).unref();
        });
        wake = undefined;
      }
      return true;
    };

    // Publishes overlap (at most PUBLISH_IN_FLIGHT awaiting their stream ack): one round trip per line would cap
    // the run at the bus's latency, not the actors' throughput.
    const publishing = new Set<Promise<void>>();
    let publishError: unknown;
    for await (const line of readLines(opts.input)) {
      if (isBlank(line.bytes)) continue;
      const msgId = msgIdOf(runId, line.n);
      matcher.add({ n: line.n, id: line.bytes.length <= maxLineBytes ? peekId(line.bytes) : undefined, msgId });
      const p: Promise<void> = publishLine(line.bytes, msgId).then(
        () => {
          publishing.delete(p);
          published += 1;
          progress();
        },
        (err: unknown) => {
          publishing.delete(p);
          publishError ??= err;
        },
      );
      publishing.add(p);
      if (publishing.size >= PUBLISH_IN_FLIGHT) await Promise.race(publishing);
      if (publishError !== undefined) break;
      if (!(await waitForRoom(maxInFlight))) break;
    }
    await Promise.all(publishing);
    if (publishError !== undefined) throw publishError;
    await waitForRoom(0);
    report(matcher.flush());
    const timedOut = matcher.pending();
    for (const p of timedOut) {
      opts.onReject({
        line: p.n,
        ...(p.id !== undefined ? { id: p.id } : {}),
        stage: 'run',
        code: 'timeout',
        reason: `no signal and no dead letter after ${idleTimeoutMs} ms without progress`,
      });
    }
    const elapsedMs = Date.now() - started;
    return {
      items: published,
      signals,
      rejected,
      timedOut: timedOut.length,
      elapsedMs,
      itemsPerS: published / Math.max(elapsedMs / 1000, 1e-3),
      transport: transport.kind,
      store: store.kind,
      prefix: names.prefix,
      sentimentModel: scorer ? `${scorer.name}@${scorer.version}` : 'external',
    };
  } finally {
    await actors?.stop();
    await scorer?.close();
    for (const t of taps) await t.drain();
    await store.close();
    await transport.close();
  }
}

/**
 * A publish that failed (a cluster electing a new stream leader, a reconnect) is sent again with the same message
 * id: JetStream's de-duplication window keeps one copy if the first one did land.
 */
async function publishRetrying(
  transport: Transport,
  subject: string,
  data: Uint8Array,
  msgId: string,
  forMs: number,
  log: Logger,
): Promise<void> {
  const deadline = Date.now() + forMs;
  for (let attempt = 0; ; attempt++) {
    try {
      await transport.publish(subject, data, { msgId });
      return;
    } catch (err) {
      // A refusal for good (too large, no permission) is the caller's to dead-letter; only transient ones are resent.
      if (!isRetryable(err) || Date.now() >= deadline) throw err;
      log.warn({ msg_id: msgId, attempt, err: (err as Error).message }, 'publish failed; sending again with the same message id');
      await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 2000)));
    }
  }
}

function msgIdOf(runId: string, n: number): string {
  return `run-${runId}:line-${n}`;
}
