import {
  StreamNotFoundError,
  TransportNoRespondersError,
  TransportRemoteError,
  TransportTimeoutError,
  type ConsumerInfo,
  type ConsumerSpec,
  type Delivery,
  type DeliveryHandler,
  type Headers,
  type PublishOptions,
  type PublishResult,
  type RequestHandler,
  type Subscription,
  type TapMessage,
  type Transport,
} from './types.ts';

/**
 * The embedded mode's bus: JetStream semantics (stored log, msgId de-duplication, durable consumers shared by
 * replicas, at-least-once with ack-wait, nak, term and maxDeliver) inside one process.
 */
export interface MemoryTransportOptions {
  duplicateWindowMs: number;
  /** Drives publish timestamps and the de-duplication window (tests move it); timers still use real time. */
  clock?: () => number;
}

export interface MemoryTransport extends Transport {
  readonly kind: 'memory';
}

export function createMemoryTransport(opts: MemoryTransportOptions): MemoryTransport {
  if (!(opts.duplicateWindowMs > 0)) throw new Error(`duplicateWindowMs must be positive, got ${opts.duplicateWindowMs}`);
  return new MemoryBus(opts.duplicateWindowMs, opts.clock ?? Date.now);
}

/** NATS subject matching: `*` is exactly one token, `>` (last token only) is one or more tokens. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const token = p[i];
    if (token === '>') return i === p.length - 1 && s.length > i;
    if (i >= s.length) return false;
    if (token !== '*' && token !== s[i]) return false;
  }
  return p.length === s.length;
}

function assertLiteralSubject(subject: string): void {
  if (!subject || /[\s*>]/.test(subject) || subject.split('.').some((t) => t === '')) {
    throw new Error(`invalid subject ${JSON.stringify(subject)}: publish and consume need a literal subject`);
  }
}

function assertPattern(pattern: string): void {
  const tokens = pattern.split('.');
  const bad = !pattern || /\s/.test(pattern) || tokens.some((t, i) => t === '' || (t === '>' && i !== tokens.length - 1));
  if (bad) throw new Error(`invalid subject pattern ${JSON.stringify(pattern)}`);
}

interface StoredMessage {
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly msgId: string;
  readonly headers: Headers;
  readonly timestampMs: number;
}

/** Append-only log of one subject; `base` is the log index of `messages[0]` once acked heads were dropped. */
class SubjectLog {
  messages: StoredMessage[] = [];
  base = 0;
  readonly durables = new Set<DurableState>();
  constructor(readonly subject: string) {}
  get end(): number {
    return this.base + this.messages.length;
  }
  at(idx: number): StoredMessage | undefined {
    return this.messages[idx - this.base];
  }
  /** Every durable that exists has finished with the head: drop it (an amortised splice, not one shift per ack). */
  compact(): void {
    if (this.durables.size === 0) return;
    let floor = Number.POSITIVE_INFINITY;
    for (const d of this.durables) floor = Math.min(floor, d.floorIdx);
    const drop = floor - this.base;
    if (drop > 0 && (drop >= 256 || drop * 2 >= this.messages.length)) {
      this.messages.splice(0, drop);
      this.base += drop;
    }
  }
}

type Phase = 'inflight' | 'delayed' | 'ready';

/** A message a durable has delivered at least once and not yet finished (acked, termed, or out of deliveries). */
interface MessageState {
  deliveries: number;
  /** Bumped on every delivery so that a stale delivery's nak/working and a stale timer do nothing. */
  gen: number;
  phase: Phase;
  timer: NodeJS.Timeout | undefined;
}

interface Handle {
  readonly durable: DurableState;
  readonly handler: DeliveryHandler;
  readonly concurrency: number;
  inFlight: number;
  active: boolean;
  idle: Array<() => void>;
}

class DurableState {
  maxDeliver: number;
  ackWaitMs: number;
  /** Like JetStream's max_ack_pending: no delivery while this many are unacked across the durable's consumers. */
  maxAckPending: number;
  /** Deliveries handed out and not yet finished by their handler, across the durable's consumers. */
  inFlight = 0;
  /** Next log index never delivered. */
  nextIdx: number;
  /** Every index below it is finished. */
  floorIdx: number;
  readonly finishedAbove = new Set<number>();
  readonly states = new Map<number, MessageState>();
  /** Indices due for redelivery, oldest first; redeliveries go before new messages, as in JetStream. */
  ready: number[] = [];
  readonly handles: Handle[] = [];
  rr = 0;
  scheduled = false;

  constructor(
    readonly name: string,
    readonly log: SubjectLog,
    spec: ConsumerSpec,
  ) {
    this.maxDeliver = spec.maxDeliver;
    this.ackWaitMs = spec.ackWaitMs;
    this.maxAckPending = spec.maxAckPending ?? Infinity;
    this.nextIdx = log.base;
    this.floorIdx = log.base;
  }

  info(): ConsumerInfo {
    return { pending: this.log.end - this.nextIdx, ackPending: this.states.size };
  }

  exhausted(state: MessageState): boolean {
    return this.maxDeliver > 0 && state.deliveries >= this.maxDeliver;
  }

  /** The caller clears the state's timer first. */
  finish(idx: number): void {
    this.states.delete(idx);
    if (idx < this.floorIdx) return;
    this.finishedAbove.add(idx);
    while (this.finishedAbove.delete(this.floorIdx)) this.floorIdx++;
    this.log.compact();
  }

  nextFreeHandle(): Handle | undefined {
    if (this.inFlight >= this.maxAckPending) return undefined;
    const n = this.handles.length;
    for (let i = 0; i < n; i++) {
      const h = this.handles[(this.rr + i) % n];
      if (h && h.active && h.inFlight < h.concurrency) {
        this.rr = (this.rr + i + 1) % n;
        return h;
      }
    }
    return undefined;
  }

  /** Takes the next index to deliver, creating its state on first delivery. */
  take(): [number, MessageState] | undefined {
    while (this.ready.length > 0) {
      const idx = this.ready.shift() as number;
      const state = this.states.get(idx);
      if (state && state.phase === 'ready') return [idx, state];
    }
    if (this.nextIdx < this.log.end) {
      const idx = this.nextIdx++;
      const state: MessageState = { deliveries: 0, gen: 0, phase: 'ready', timer: undefined };
      this.states.set(idx, state);
      return [idx, state];
    }
    return undefined;
  }
}

interface Server {
  readonly handler: RequestHandler;
  inFlight: number;
  active: boolean;
  idle: Array<() => void>;
}

interface QueueGroup {
  servers: Server[];
  rr: number;
}

interface Tap {
  readonly pattern: string;
  readonly onMessage: (msg: TapMessage) => void;
  active: boolean;
}

class MemoryBus implements MemoryTransport {
  readonly kind = 'memory' as const;
  private streamReady = false;
  private closed = false;
  private lastSeq = 0;
  private readonly logs = new Map<string, SubjectLog>();
  private readonly durables = new Map<string, DurableState>();
  /** msgId → {seq, stored at}; insertion order is time order, so expiry pops from the front. */
  private readonly dedupe = new Map<string, { seq: number; atMs: number }>();
  private readonly services = new Map<string, Map<string, QueueGroup>>();
  private readonly taps = new Set<Tap>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly immediates = new Set<NodeJS.Immediate>();
  private readonly handles = new Set<Handle>();

  constructor(
    private readonly duplicateWindowMs: number,
    private readonly clock: () => number,
  ) {}

  async ensureStream(): Promise<void> {
    this.assertOpen();
    this.streamReady = true;
  }

  async publish(subject: string, data: Uint8Array, opts: PublishOptions): Promise<PublishResult> {
    this.assertOpen();
    assertLiteralSubject(subject);
    if (!this.streamReady) throw new StreamNotFoundError(`no stream captures ${subject}: call ensureStream() first`);
    const now = this.clock();
    this.pruneDedupe(now);
    const headers: Headers = { ...(opts.headers ?? {}) };
    // Taps are core subscribers: in NATS they see every publish, duplicates included.
    this.emitTap({ subject, data, msgId: opts.msgId, headers });
    const seen = opts.msgId ? this.dedupe.get(opts.msgId) : undefined;
    if (seen) return { duplicate: true, seq: seen.seq };
    const seq = ++this.lastSeq;
    if (opts.msgId) this.dedupe.set(opts.msgId, { seq, atMs: now });
    const log = this.logFor(subject);
    // A copy: the caller may reuse its buffer, and JetStream would have serialised it anyway.
    log.messages.push({ seq, subject, data: data.slice(), msgId: opts.msgId, headers, timestampMs: now });
    for (const d of log.durables) this.schedule(d);
    return { duplicate: false, seq };
  }

  async consume(spec: ConsumerSpec, handler: DeliveryHandler): Promise<Subscription> {
    this.assertOpen();
    assertLiteralSubject(spec.subject);
    if (!this.streamReady) throw new StreamNotFoundError(`no stream for durable ${spec.durable}: call ensureStream() first`);
    if (!(spec.concurrency >= 1) || !(spec.ackWaitMs > 0)) {
      throw new Error(`consumer ${spec.durable}: concurrency must be >= 1 and ackWaitMs > 0`);
    }
    const durable = this.durableFor(spec);
    const handle: Handle = {
      durable,
      handler,
      concurrency: Math.floor(spec.concurrency),
      inFlight: 0,
      active: true,
      idle: [],
    };
    durable.handles.push(handle);
    this.handles.add(handle);
    this.schedule(durable);
    return {
      drain: () => this.drainHandle(handle),
      info: async () => durable.info(),
    };
  }

  async request(subject: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    this.assertOpen();
    assertLiteralSubject(subject);
    const picked = this.pickServers(subject);
    this.emitTap({ subject, data, msgId: '', headers: {} });
    if (picked.length === 0) throw new TransportNoRespondersError(`no responders for ${subject}`);
    return new Promise<Uint8Array>((resolve, reject) => {
      let settled = false;
      const timer = this.setTimer(() => {
        settled = true;
        reject(new TransportTimeoutError(`request on ${subject} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        this.clearTimer(timer);
        fn();
      };
      for (const server of picked) {
        void this.runServer(server, data).then(
          (reply) => settle(() => resolve(reply)),
          (err: unknown) => settle(() => reject(new TransportRemoteError(`${subject}: ${errorMessage(err)}`))),
        );
      }
    });
  }

  async serve(subject: string, handler: RequestHandler, queueGroup: string): Promise<Subscription> {
    this.assertOpen();
    assertLiteralSubject(subject);
    const server: Server = { handler, inFlight: 0, active: true, idle: [] };
    let groups = this.services.get(subject);
    if (!groups) this.services.set(subject, (groups = new Map()));
    let group = groups.get(queueGroup);
    if (!group) groups.set(queueGroup, (group = { servers: [], rr: 0 }));
    group.servers.push(server);
    const owner = group;
    return {
      drain: async () => {
        server.active = false;
        owner.servers = owner.servers.filter((s) => s !== server);
        await whenIdle(server);
      },
      info: async () => ({ pending: 0, ackPending: server.inFlight }),
    };
  }

  async tap(subject: string, onMessage: (msg: TapMessage) => void): Promise<Subscription> {
    this.assertOpen();
    assertPattern(subject);
    const tap: Tap = { pattern: subject, onMessage, active: true };
    this.taps.add(tap);
    return {
      drain: async () => {
        tap.active = false;
        this.taps.delete(tap);
      },
      info: async () => ({ pending: 0, ackPending: 0 }),
    };
  }

  async readStored(subject: string, onMessage: (msg: TapMessage) => void): Promise<number> {
    this.assertOpen();
    assertPattern(subject);
    const found: StoredMessage[] = [];
    for (const log of this.logs.values()) {
      if (subjectMatches(subject, log.subject)) found.push(...log.messages);
    }
    found.sort((a, b) => a.seq - b.seq);
    for (const m of found) onMessage({ subject: m.subject, data: m.data, msgId: m.msgId, headers: m.headers });
    return found.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const i of this.immediates) clearImmediate(i);
    this.immediates.clear();
    for (const d of this.durables.values()) {
      for (const s of d.states.values()) if (s.timer) clearTimeout(s.timer);
    }
    for (const tap of this.taps) tap.active = false;
    this.taps.clear();
    const waits: Promise<void>[] = [];
    for (const h of this.handles) {
      h.active = false;
      waits.push(whenIdle(h));
    }
    for (const groups of this.services.values()) {
      for (const g of groups.values()) for (const s of g.servers) waits.push(whenIdle(s));
    }
    this.services.clear();
    await Promise.all(waits);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('memory transport is closed');
  }

  private logFor(subject: string): SubjectLog {
    let log = this.logs.get(subject);
    if (!log) this.logs.set(subject, (log = new SubjectLog(subject)));
    return log;
  }

  private durableFor(spec: ConsumerSpec): DurableState {
    const existing = this.durables.get(spec.durable);
    if (existing) {
      if (existing.log.subject !== spec.subject) {
        throw new Error(`durable ${spec.durable} reads ${existing.log.subject}, not ${spec.subject}: a durable's subject cannot change`);
      }
      // Like a JetStream consumer update: the newest spec wins.
      existing.maxDeliver = spec.maxDeliver;
      existing.ackWaitMs = spec.ackWaitMs;
      existing.maxAckPending = spec.maxAckPending ?? Infinity;
      return existing;
    }
    const log = this.logFor(spec.subject);
    const durable = new DurableState(spec.durable, log, spec);
    log.durables.add(durable);
    this.durables.set(spec.durable, durable);
    return durable;
  }

  private pruneDedupe(now: number): void {
    for (const [id, entry] of this.dedupe) {
      if (now - entry.atMs < this.duplicateWindowMs) break;
      this.dedupe.delete(id);
    }
  }

  private emitTap(msg: TapMessage): void {
    for (const tap of this.taps) {
      if (!subjectMatches(tap.pattern, msg.subject)) continue;
      queueMicrotask(() => {
        if (!tap.active) return;
        try {
          tap.onMessage(msg);
        } catch {
          // A debugging view must not break the bus.
        }
      });
    }
  }

  /** Deliveries always start from a fresh macrotask: never inside publish, ack or a handler. */
  private schedule(d: DurableState): void {
    if (d.scheduled || this.closed) return;
    d.scheduled = true;
    const im = setImmediate(() => {
      this.immediates.delete(im);
      d.scheduled = false;
      this.dispatch(d);
    });
    this.immediates.add(im);
  }

  private dispatch(d: DurableState): void {
    for (;;) {
      const handle = d.nextFreeHandle();
      if (!handle) return;
      const next = d.take();
      if (!next) return;
      this.deliver(handle, next[0], next[1]);
    }
  }

  private deliver(handle: Handle, idx: number, state: MessageState): void {
    const d = handle.durable;
    const stored = d.log.at(idx);
    if (!stored) {
      this.finish(d, idx);
      return;
    }
    state.deliveries++;
    const gen = ++state.gen;
    state.phase = 'inflight';
    state.timer = this.setTimer(() => this.expire(d, idx, gen), d.ackWaitMs);
    handle.inFlight++;
    d.inFlight++;
    const current = (): MessageState | undefined => {
      const s = d.states.get(idx);
      return s && s.gen === gen && s.phase === 'inflight' ? s : undefined;
    };
    let settled = false;
    const delivery: Delivery = {
      subject: stored.subject,
      data: stored.data,
      msgId: stored.msgId,
      headers: stored.headers,
      deliveryCount: state.deliveries,
      seq: stored.seq,
      timestampMs: stored.timestampMs,
      // A late ack (after the ack wait ran out) still finishes the message, as JetStream accepts it too.
      ack: async () => {
        settled = true;
        this.finish(d, idx);
      },
      nak: (delayMs?: number) => {
        settled = true;
        const s = current();
        if (s) this.redeliver(d, idx, s, delayMs ?? 0);
      },
      term: () => {
        settled = true;
        this.finish(d, idx);
      },
      working: () => {
        const s = current();
        if (!s) return;
        this.clearTimer(s.timer);
        s.timer = this.setTimer(() => this.expire(d, idx, gen), d.ackWaitMs);
      },
    };
    void Promise.resolve()
      .then(() => handle.handler(delivery))
      .catch(() => {
        // The runtime catches its own errors; a throw that escapes it is a nak without delay.
        if (!settled) delivery.nak(0);
      })
      .finally(() => {
        handle.inFlight--;
        d.inFlight--;
        if (handle.inFlight === 0) for (const wake of handle.idle.splice(0)) wake();
        this.schedule(d);
      });
  }

  private finish(d: DurableState, idx: number): void {
    const s = d.states.get(idx);
    if (!s) return;
    this.clearTimer(s.timer);
    d.finish(idx);
  }

  private expire(d: DurableState, idx: number, gen: number): void {
    const s = d.states.get(idx);
    if (!s || s.gen !== gen || s.phase !== 'inflight') return;
    s.timer = undefined;
    this.redeliver(d, idx, s, 0);
  }

  private redeliver(d: DurableState, idx: number, s: MessageState, delayMs: number): void {
    this.clearTimer(s.timer);
    s.timer = undefined;
    // Out of deliveries: JetStream stops delivering; the runtime dead-lettered it on the last delivery.
    if (d.exhausted(s)) {
      this.finish(d, idx);
      return;
    }
    const queue = (): void => {
      s.timer = undefined;
      s.phase = 'ready';
      d.ready.push(idx);
      this.schedule(d);
    };
    if (delayMs > 0) {
      s.phase = 'delayed';
      s.timer = this.setTimer(queue, delayMs);
    } else {
      queue();
    }
  }

  private async drainHandle(handle: Handle): Promise<void> {
    handle.active = false;
    const list = handle.durable.handles;
    const i = list.indexOf(handle);
    if (i >= 0) list.splice(i, 1);
    await whenIdle(handle);
    this.handles.delete(handle);
  }

  private pickServers(subject: string): Server[] {
    const groups = this.services.get(subject);
    if (!groups) return [];
    const picked: Server[] = [];
    for (const g of groups.values()) {
      const n = g.servers.length;
      if (n === 0) continue;
      const s = g.servers[g.rr % n];
      g.rr = (g.rr + 1) % n;
      if (s) picked.push(s);
    }
    return picked;
  }

  private async runServer(server: Server, data: Uint8Array): Promise<Uint8Array> {
    server.inFlight++;
    try {
      await Promise.resolve();
      return await server.handler(data);
    } finally {
      server.inFlight--;
      if (server.inFlight === 0) for (const wake of server.idle.splice(0)) wake();
    }
  }

  private setTimer(fn: () => void, ms: number): NodeJS.Timeout | undefined {
    if (this.closed) return undefined;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  private clearTimer(t: NodeJS.Timeout | undefined): void {
    if (!t) return;
    clearTimeout(t);
    this.timers.delete(t);
  }
}

function whenIdle(x: { inFlight: number; idle: Array<() => void> }): Promise<void> {
  if (x.inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => x.idle.push(resolve));
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
