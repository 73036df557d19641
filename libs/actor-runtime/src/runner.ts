import { encode, formatIssues, ReplayHeader, TOPIC_SCHEMAS, type Rejection, type Stage } from '@himari/contracts';
import type { Delivery, Subscription, Transport } from '@himari/bus';
import { createActorMetrics, type ActorMetrics } from '@himari/observability';
import {
  errorCode,
  isRetryable,
  type ActorDefinition,
  type ActorState,
  type HandleContext,
  type HandlerOutcome,
  type InputBinding,
  type Output,
  type RuntimeOptions,
} from './types.ts';
import { boundedReason, deadLetterPayload, OVERSIZED_CODE } from './dead-letter.ts';

const LAG_POLL_MS = 5_000;
const DEFAULT_PUBLISH_IN_FLIGHT = 256;

interface PendingDelivery {
  d: Delivery;
  done: () => void;
}

/** A handler that throws before returning its promise fails like one that rejects. */
function attempt<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return fn();
  } catch (err) {
    return Promise.reject(err);
  }
}

/** At most `limit` tasks at once; the rest wait in order. */
class Slots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** A handler produced a message that breaks its topic's schema: a bug that no retry fixes. */
export class InvalidOutputError extends Error {
  override readonly name = 'InvalidOutputError';
  readonly code = 'invalid_output';
  readonly retryable = false;
}

/**
 * Runs one actor on a transport: consume → decode/validate → handle → publish outputs → ack.
 * The ack comes only after every output is stored by the bus, so a crash in between means a redelivery, and the
 * outputs' deterministic msgIds make that redelivery publish nothing new.
 */
export class ActorRunner {
  private state: ActorState = 'idle';
  private subs: Subscription[] = [];
  private disposer: (() => Promise<void>) | undefined;
  private lagTimer: NodeJS.Timeout | undefined;
  readonly metrics: ActorMetrics;
  private readonly clock: () => number;
  private readonly maxMessageBytes: number;
  private readonly pending = new Map<InputBinding, { items: PendingDelivery[]; scheduled: boolean }>();
  private readonly orderedTail = new Map<InputBinding, Promise<void>>();
  private readonly publishSlots: Slots;

  constructor(
    private readonly transport: Transport,
    private readonly actor: ActorDefinition,
    private readonly opts: RuntimeOptions,
    metrics?: ActorMetrics,
  ) {
    if (opts.retry.maxDeliver < 1) throw new Error('retry.maxDeliver must be >= 1');
    if (opts.retry.backoffMs.length === 0) throw new Error('retry.backoffMs must not be empty');
    this.metrics = metrics ?? createActorMetrics();
    this.clock = opts.clock ?? Date.now;
    this.maxMessageBytes = opts.maxMessageBytes ?? 1_048_576;
    this.publishSlots = new Slots(opts.publishInFlight ?? DEFAULT_PUBLISH_IN_FLIGHT);
  }

  get status(): ActorState {
    return this.state;
  }

  get stage(): Stage {
    return this.actor.stage;
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`actor ${this.actor.stage} already ${this.state}`);
    this.state = 'starting';
    await this.transport.ensureStream();
    for (const service of this.actor.services ?? []) {
      this.subs.push(await this.transport.serve(service.subject, service.handle, `${this.opts.names.prefix}_${this.actor.stage}`));
    }
    for (const input of this.actor.inputs) {
      const sub = await this.transport.consume(
        {
          durable: this.opts.names.durable(this.actor.stage, input.topic),
          subject: this.opts.names.subject(input.topic),
          maxDeliver: this.opts.retry.maxDeliver,
          ackWaitMs: this.opts.retry.ackWaitMs,
          concurrency: this.opts.concurrency,
          ...(this.opts.maxAckPending !== undefined ? { maxAckPending: this.opts.maxAckPending } : {}),
        },
        (d) => this.onDelivery(input, d),
      );
      this.subs.push(sub);
      this.watchLag(input, sub);
    }
    const dispose = await this.actor.start?.();
    if (dispose) this.disposer = dispose;
    this.state = 'running';
    this.opts.log.info({ stage: this.actor.stage, inputs: this.actor.inputs.map((i) => i.topic) }, 'actor running');
  }

  /** Stops taking work and waits (up to the drain timeout) for handlers in flight; unfinished ones are redelivered. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'draining') return;
    this.state = 'draining';
    if (this.lagTimer) clearInterval(this.lagTimer);
    const drained = Promise.all(this.subs.map((s) => s.drain()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.opts.drainTimeoutMs);
    });
    const result = await Promise.race([drained.then(() => 'drained' as const), timeout]);
    clearTimeout(timer);
    if (result === 'timeout') this.opts.log.warn({ stage: this.actor.stage }, 'drain timed out; in-flight messages will be redelivered');
    await this.disposer?.();
    this.state = 'stopped';
    this.opts.log.info({ stage: this.actor.stage }, 'actor stopped');
  }

  private watchLag(input: InputBinding, sub: Subscription): void {
    const labels = { stage: this.actor.stage, topic: input.topic };
    const poll = (): void => {
      sub
        .info()
        .then((i) => this.metrics.consumerLag.set(labels, i.pending))
        .catch(() => undefined);
    };
    this.lagTimer ??= setInterval(poll, LAG_POLL_MS);
    this.lagTimer.unref();
  }

  /**
   * A delivery joins its input's pending batch; the batch runs once it is full or at the end of this turn of the
   * event loop (a pull's messages arrive together). The promise settles when the delivery is acked, nak-ed or
   * dead-lettered, so the transport's in-flight count bounds what this process holds.
   */
  private onDelivery(input: InputBinding, d: Delivery): Promise<void> {
    return new Promise<void>((resolve) => {
      let q = this.pending.get(input);
      if (!q) this.pending.set(input, (q = { items: [], scheduled: false }));
      q.items.push({ d, done: resolve });
      const batchSize = this.opts.batchSize ?? 1;
      if (q.items.length >= batchSize) this.flush(input);
      else if (!q.scheduled) {
        q.scheduled = true;
        setImmediate(() => this.flush(input));
      }
    });
  }

  private flush(input: InputBinding): void {
    const q = this.pending.get(input);
    if (!q) return;
    q.scheduled = false;
    const batchSize = this.opts.batchSize ?? 1;
    while (q.items.length > 0) {
      const batch = q.items.splice(0, batchSize);
      if (input.ordered) {
        // The next batch waits for this one's handlers only; its publishes and acks overlap with the next batch.
        const prev = this.orderedTail.get(input) ?? Promise.resolve();
        this.orderedTail.set(
          input,
          prev.then(() => this.handleBatch(input, batch)).catch(() => undefined),
        );
      } else {
        void this.handleBatch(input, batch).catch(() => undefined);
      }
    }
  }

  /**
   * Decodes and handles a batch. Each item is published, acked (or dead-lettered, or nak-ed) as soon as its own
   * outcome is known, so a slow item never holds back the rest of its batch; resolves once every handler is done.
   */
  private async handleBatch(input: InputBinding, batch: PendingDelivery[]): Promise<void> {
    const labels = { stage: this.actor.stage, topic: input.topic };
    const started = performance.now();
    const live: { p: PendingDelivery; value: unknown; ctx: HandleContext }[] = [];
    for (const p of batch) {
      const d = p.d;
      // Size first: decoding a huge message costs memory and time for a message that is refused anyway.
      if (d.data.length > this.maxMessageBytes) {
        const reason = `the message is ${d.data.length} bytes, over the limit of ${this.maxMessageBytes}`;
        void this.deadLetterSafely(d, input, OVERSIZED_CODE, reason).finally(() => p.done());
        continue;
      }
      try {
        live.push({ p, value: input.decode(d.data), ctx: this.contextFor(d) });
      } catch (err) {
        void this.deadLetterSafely(d, input, errorCode(err), err instanceof Error ? err.message : String(err)).finally(() => p.done());
      }
    }
    let outcomes: Promise<HandlerOutcome>[];
    const handleBatch = input.handleBatch;
    if (handleBatch && live.length > 0) {
      const all = attempt(() =>
        handleBatch(
          live.map((l) => l.value),
          live.map((l) => l.ctx),
        ),
      );
      outcomes = live.map((_, i) =>
        all.then((o) => {
          const outcome = o[i];
          if (!outcome) throw new Error(`${this.actor.stage}: batch handler returned ${o.length} outcomes for ${live.length} inputs`);
          return outcome;
        }),
      );
    } else {
      outcomes = live.map((l) => attempt(() => input.handle(l.value, l.ctx)));
    }
    live.forEach(
      ({ p, ctx }, i) =>
        void this.settle(input, p.d, outcomes[i]!, ctx, labels, started)
          .catch(() => undefined)
          .finally(() => p.done()),
    );
    await Promise.allSettled(outcomes);
  }

  private async settle(
    input: InputBinding,
    d: Delivery,
    outcomeP: Promise<HandlerOutcome>,
    ctx: HandleContext,
    labels: { stage: Stage; topic: string },
    started: number,
  ): Promise<void> {
    try {
      const outcome = await outcomeP;
      if (outcome.kind === 'reject') {
        await this.deadLetter(d, input, outcome.code, outcome.reason, outcome.newsId);
        return;
      }
      if (outcome.kind === 'publish') await this.publishAll(outcome.outputs);
      await d.ack();
      this.metrics.processed.inc(labels);
      this.metrics.handlingSeconds.observe(labels, (performance.now() - started) / 1000);
    } catch (err) {
      await this.onFailure(d, input, err, ctx.log);
    }
  }

  private contextFor(d: Delivery): HandleContext {
    const parent = this.opts.log;
    let log: HandleContext['log'] | undefined;
    return {
      msgId: d.msgId,
      seq: d.seq,
      deliveryCount: d.deliveryCount,
      subject: d.subject,
      // A child logger per message costs more than most handlers: made only when something logs.
      get log() {
        return (log ??= parent.child({ msgId: d.msgId, seq: d.seq, delivery: d.deliveryCount }));
      },
      now: this.clock,
      working: () => d.working(),
    };
  }

  /** Every output validated first, then published concurrently, at most `publishInFlight` of this process at once. */
  private async publishAll(outputs: Output[]): Promise<void> {
    const encoded = outputs.map((out) => {
      const schema = TOPIC_SCHEMAS[out.topic];
      // Validate what we send as strictly as what we receive: a bad output is our bug, caught at our edge.
      const parsed = schema.safeParse(out.message);
      if (!parsed.success) throw new InvalidOutputError(`output on ${out.topic} breaks its schema: ${formatIssues(parsed.error.issues)}`);
      return { subject: this.opts.names.subject(out.topic), data: encode(parsed.data), msgId: out.msgId };
    });
    await Promise.all(encoded.map((e) => this.publishSlots.run(() => this.transport.publish(e.subject, e.data, { msgId: e.msgId }))));
  }

  private async onFailure(d: Delivery, input: InputBinding, err: unknown, log: HandleContext['log']): Promise<void> {
    const code = errorCode(err);
    const labels = { stage: this.actor.stage, topic: input.topic };
    this.metrics.failed.inc({ ...labels, code });
    const reason = err instanceof Error ? err.message : String(err);
    if (!isRetryable(err)) {
      log.warn({ code, err: reason }, 'non-retryable failure: dead-lettering');
      await this.deadLetterSafely(d, input, code, reason);
      return;
    }
    if (d.deliveryCount >= this.opts.retry.maxDeliver) {
      log.error({ code, err: reason }, 'retries exhausted: dead-lettering');
      await this.deadLetterSafely(d, input, 'max_deliveries', `failed ${d.deliveryCount} times; last error (${code}): ${reason}`);
      return;
    }
    const backoff = this.opts.retry.backoffMs;
    const delay = backoff[Math.min(d.deliveryCount - 1, backoff.length - 1)] ?? 1000;
    log.warn({ code, err: reason, retryInMs: delay }, 'handler failed: will retry');
    this.metrics.retried.inc(labels);
    d.nak(delay);
  }

  /** If even the dead-letter publish fails (bus down), nak so the message is not lost. */
  private async deadLetterSafely(d: Delivery, input: InputBinding, code: string, reason: string): Promise<void> {
    try {
      await this.deadLetter(d, input, code, reason, undefined);
    } catch (err) {
      this.opts.log.error({ err: (err as Error).message }, 'dead-letter publish failed: will retry');
      d.nak(this.opts.retry.backoffMs[0]);
    }
  }

  private async deadLetter(d: Delivery, input: InputBinding, code: string, reason: string, newsId: string | undefined): Promise<void> {
    const rejection: Rejection = {
      v: 1,
      stage: this.actor.stage,
      code,
      reason: boundedReason(reason),
      msg_id: d.msgId,
      subject: d.subject,
      delivery_count: d.deliveryCount,
      ...deadLetterPayload(d.data),
      at: this.clock(),
      ...(newsId !== undefined ? { news_id: newsId } : {}),
    };
    const id = d.msgId || `seq-${d.seq}`;
    const history = replayHistory(d);
    await this.transport.publish(this.opts.names.deadLetter(this.actor.stage), encode(rejection), {
      msgId: `dlq:${this.actor.stage}:${id}`,
      ...(history ? { headers: history } : {}),
    });
    d.term();
    this.metrics.deadLettered.inc({ stage: this.actor.stage, topic: input.topic, code });
  }
}

/** A replayed item that fails again goes back to the DLQ with its replay count and earlier dead letters. */
function replayHistory(d: Delivery): Record<string, string> | undefined {
  if (d.headers[ReplayHeader.count] === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const h of Object.values(ReplayHeader)) {
    const v = d.headers[h];
    if (v !== undefined) out[h] = v;
  }
  return out;
}
