import type { NatsSecurity } from '@himari/config';
import type { BusNames } from '@himari/contracts';
import { redact } from '@himari/observability';
import {
  AckPolicy,
  DeliverPolicy,
  ErrorCode,
  RetentionPolicy,
  StorageType,
  connect,
  credsAuthenticator,
  headers as natsHeaders,
  nkeyAuthenticator,
  type ConnectionOptions,
  nanos,
  type Consumer,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type StreamConfig,
  type Subscription as NatsSubscription,
} from 'nats';
import {
  MessageTooLargeError,
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

export interface NatsTransportOptions {
  url: string;
  /** More servers of the same cluster; the client connects to any and fails over between them. @default [] */
  servers?: readonly string[];
  /** `num_replicas` of the stream (and so of its consumers) in a JetStream cluster. @default 1 */
  streamReplicas?: number;
  names: BusNames;
  duplicateWindowMs: number;
  maxAgeMs: number;
  /** Connection name shown by the server (`nats server report connections`): use the actor and replica. */
  name?: string;
  /** Credentials, TLS and connect timeout (`natsSecurity(config)` from @himari/config). */
  security?: NatsSecurity;
}

/** The server refused or could not be reached at start: a failed start, never a hang. */
export class TransportConnectError extends Error {
  override readonly name = 'TransportConnectError';
  readonly retryable = false;
  /** For CLIs: an expected failure, printed as one line. */
  readonly exitCode = 1;
}

/** nats.js options for a URL and its security settings; `tls://` URLs and `tls` settings turn TLS on. */
export function natsConnectionOptions(url: string, security: NatsSecurity = { connectTimeoutMs: 5_000 }): ConnectionOptions {
  const o: ConnectionOptions = { servers: url.split(',').map((u) => u.trim()), timeout: security.connectTimeoutMs };
  if (security.user !== undefined) o.user = security.user;
  if (security.pass !== undefined) o.pass = security.pass;
  if (security.token !== undefined) o.token = security.token;
  if (security.creds) o.authenticator = credsAuthenticator(security.creds);
  else if (security.nkeySeed)
    o.authenticator = nkeyAuthenticator(new TextEncoder().encode(new TextDecoder().decode(security.nkeySeed).trim()));
  if (security.tls) o.tls = { ...security.tls };
  else if (/^tls:\/\//.test(url)) o.tls = {};
  return o;
}

async function connectOnce(
  url: string,
  name: string,
  security: NatsSecurity | undefined,
  extra: Partial<ConnectionOptions>,
): Promise<NatsConnection> {
  try {
    return await connect({ ...natsConnectionOptions(url, security), name, ...extra });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new TransportConnectError(`cannot connect to NATS at ${redact(url)}: ${redact(String(code ?? (err as Error).message))}`, {
      cause: err,
    });
  }
}

export interface NatsTransport extends Transport {
  readonly kind: 'nats';
  /** Last error the consume loops met and are retrying through (reconnects, a missing consumer), for health checks. */
  lastConsumeError(): Error | undefined;
  /** Whether the connection is up now (readiness). */
  connected(): { ok: boolean; detail?: string };
}

/** Carries a serving handler's error back to the requester, whose transport raises TransportRemoteError. */
const REMOTE_ERROR_HEADER = 'Himari-Error';
const MSG_ID_HEADER = 'Nats-Msg-Id';
/** Server-side lifetime of one pull request; short, so that a drained replica's unused request dies soon. */
const FETCH_EXPIRES_MS = 5_000;
/** max_ack_pending is shared by every replica of a durable: leave room for several of them. */
const REPLICA_HEADROOM = 16;
const DEFAULT_MAX_ACK_PENDING = 1_000;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

/** JetStream API error codes (nats-server errors.json). */
const JsErr = {
  streamNotFound: 10059,
  consumerNotFound: 10014,
  streamNameInUse: 10058,
} as const;

export async function connectNatsTransport(opts: NatsTransportOptions): Promise<NatsTransport> {
  const nc = await connectOnce(opts.url, opts.name ?? `himari-${opts.names.prefix}`, opts.security, {
    servers: [...new Set([opts.url, ...(opts.servers ?? [])])],
    // A restarted server is the normal case in a deployment: keep trying forever, the consume loops resume.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    // Short pings: a dead server is noticed (and /readyz says so) within seconds, not minutes.
    pingInterval: 2_000,
    maxPingOut: 2,
  });
  const jsm = await nc.jetstreamManager();
  const bus = new NatsBus(nc, jsm, nc.jetstream(), opts);
  bus.watchStatus();
  return bus;
}

/** Test cleanup: deletes a stream (and with it its consumers); a missing stream is fine. */
export async function deleteStream(url: string, streamName: string, security?: NatsSecurity): Promise<void> {
  const nc = await connectOnce(url, 'himari-delete-stream', security, {});
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(streamName).catch((err: unknown) => {
      if (apiErrCode(err) !== JsErr.streamNotFound) throw err;
    });
  } finally {
    await nc.close();
  }
}

class NatsBus implements NatsTransport {
  readonly kind = 'nats' as const;
  private readonly subs = new Set<Subscription>();
  private readonly loops = new Set<ConsumeLoop>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly opts: NatsTransportOptions,
  ) {}

  connected(): { ok: boolean; detail?: string } {
    if (this.nc.isClosed()) return { ok: false, detail: 'connection closed' };
    if (this.disconnectedSince !== undefined) return { ok: false, detail: `disconnected for ${Date.now() - this.disconnectedSince} ms` };
    return { ok: true };
  }

  private disconnectedSince: number | undefined;

  /** Follows the connection's state for health checks. */
  watchStatus(): void {
    void (async () => {
      for await (const st of this.nc.status()) {
        if (st.type === 'disconnect' || st.type === 'staleConnection') this.disconnectedSince ??= Date.now();
        else if (st.type === 'reconnect') this.disconnectedSince = undefined;
      }
    })().catch(() => undefined);
  }

  lastConsumeError(): Error | undefined {
    let last: Error | undefined;
    for (const loop of this.loops) last = loop.lastError ?? last;
    return last;
  }

  async ensureStream(): Promise<void> {
    const { names, duplicateWindowMs, maxAgeMs } = this.opts;
    const config: Partial<StreamConfig> & { name: string; subjects: string[] } = {
      name: names.stream,
      subjects: [names.streamSubjects],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      duplicate_window: nanos(duplicateWindowMs),
      max_age: nanos(maxAgeMs),
      num_replicas: this.opts.streamReplicas ?? 1,
    };
    const info = await this.jsm.streams.info(names.stream).then(
      (i) => i,
      (err: unknown) => {
        if (apiErrCode(err) === JsErr.streamNotFound) return undefined;
        throw err;
      },
    );
    // Unchanged: no update call, so that an actor needs no right to change the stream (deploy/nats permissions).
    if (
      info &&
      info.config.subjects?.length === 1 &&
      info.config.subjects[0] === names.streamSubjects &&
      info.config.duplicate_window === config.duplicate_window &&
      info.config.max_age === config.max_age
    ) {
      return;
    }
    if (!info) {
      try {
        await this.jsm.streams.add(config);
        return;
      } catch (err) {
        // Another replica created it between our info and add.
        if (apiErrCode(err) !== JsErr.streamNameInUse) throw err;
      }
    }
    // A cluster scales an existing stream's copies up or down in place (nats-server 2.9 does).
    await this.jsm.streams.update(names.stream, {
      subjects: config.subjects,
      duplicate_window: config.duplicate_window,
      max_age: config.max_age,
      num_replicas: config.num_replicas,
    });
  }

  async publish(subject: string, data: Uint8Array, opts: PublishOptions): Promise<PublishResult> {
    const hdrs = toNatsHeaders(opts.headers);
    try {
      const ack = await this.js.publish(subject, data, {
        ...(opts.msgId ? { msgID: opts.msgId } : {}),
        ...(hdrs ? { headers: hdrs } : {}),
      });
      return { duplicate: ack.duplicate, seq: ack.seq };
    } catch (err) {
      if (isCode(err, ErrorCode.NoResponders)) {
        throw new StreamNotFoundError(`no stream captures ${subject} (is ensureStream() done?)`, { cause: err });
      }
      if (isCode(err, ErrorCode.Timeout)) throw new TransportTimeoutError(`publish to ${subject} timed out`, { cause: err });
      if (isCode(err, ErrorCode.MaxPayloadExceeded)) {
        throw new MessageTooLargeError(`${data.length} bytes to ${subject} exceed the server's max_payload`, { cause: err });
      }
      throw err;
    }
  }

  async consume(spec: ConsumerSpec, handler: DeliveryHandler): Promise<Subscription> {
    if (!(spec.concurrency >= 1) || !(spec.ackWaitMs > 0)) {
      throw new Error(`consumer ${spec.durable}: concurrency must be >= 1 and ackWaitMs > 0`);
    }
    await this.ensureConsumer(spec);
    const consumer = await this.js.consumers.get(this.opts.names.stream, spec.durable);
    const loop = new ConsumeLoop(consumer, Math.floor(spec.concurrency), handler);
    this.loops.add(loop);
    loop.start();
    const sub: Subscription = {
      drain: async () => {
        await loop.drain();
        this.loops.delete(loop);
        this.subs.delete(sub);
      },
      info: async () => {
        const ci = await this.jsm.consumers.info(this.opts.names.stream, spec.durable);
        return { pending: ci.num_pending, ackPending: ci.num_ack_pending };
      },
    };
    this.subs.add(sub);
    return sub;
  }

  async request(subject: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    let reply: Msg;
    try {
      reply = await this.nc.request(subject, data, { timeout: timeoutMs });
    } catch (err) {
      if (isCode(err, ErrorCode.Timeout)) {
        throw new TransportTimeoutError(`request on ${subject} timed out after ${timeoutMs} ms`, { cause: err });
      }
      if (isCode(err, ErrorCode.NoResponders)) throw new TransportNoRespondersError(`no responders for ${subject}`, { cause: err });
      throw err;
    }
    const remote = reply.headers?.get(REMOTE_ERROR_HEADER);
    if (remote) throw new TransportRemoteError(`${subject}: ${remote}`);
    return reply.data;
  }

  async serve(subject: string, handler: RequestHandler, queueGroup: string): Promise<Subscription> {
    const tracker = new InFlight();
    const sub = this.nc.subscribe(subject, {
      queue: queueGroup,
      callback: (err, msg) => {
        if (err) return;
        void tracker.run(async () => {
          try {
            respondQuietly(msg, await handler(msg.data));
          } catch (e) {
            const h = natsHeaders();
            h.set(REMOTE_ERROR_HEADER, oneLine(errorMessage(e)));
            respondQuietly(msg, new Uint8Array(0), h);
          }
        });
      },
    });
    // Interest must reach the server before the caller announces it is serving.
    await this.nc.flush();
    return this.trackCore(
      sub,
      async () => ({ pending: 0, ackPending: tracker.count }),
      () => tracker.idle(),
    );
  }

  async tap(subject: string, onMessage: (msg: TapMessage) => void): Promise<Subscription> {
    const sub = this.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return;
        const { msgId, headers } = splitHeaders(msg.headers);
        try {
          onMessage({ subject: msg.subject, data: msg.data, msgId, headers });
        } catch {
          // A debugging view must not break the connection's dispatch.
        }
      },
    });
    await this.nc.flush();
    return this.trackCore(
      sub,
      async () => ({ pending: 0, ackPending: 0 }),
      async () => {},
    );
  }

  async readStored(subject: string, onMessage: (msg: TapMessage) => void): Promise<number> {
    return readStoredMessages(this.jsm, this.js, this.opts.names.stream, subject, (m) => {
      const { msgId, headers } = splitHeaders(m.headers);
      onMessage({ subject: m.subject, data: m.data, msgId, headers });
    });
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await Promise.all([...this.subs].map((s) => s.drain()));
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }

  private trackCore(sub: NatsSubscription, info: () => Promise<ConsumerInfo>, idle: () => Promise<void>): Subscription {
    const wrapped: Subscription = {
      drain: async () => {
        if (!sub.isClosed()) await sub.drain().catch(() => sub.unsubscribe());
        await idle();
        this.subs.delete(wrapped);
      },
      info,
    };
    this.subs.add(wrapped);
    return wrapped;
  }

  /** Creates the durable, or brings an existing one to this spec; the subject of a durable cannot change. */
  private async ensureConsumer(spec: ConsumerSpec): Promise<void> {
    const stream = this.opts.names.stream;
    const wanted = {
      ack_wait: nanos(spec.ackWaitMs),
      max_deliver: spec.maxDeliver > 0 ? spec.maxDeliver : -1,
      max_ack_pending: spec.maxAckPending ?? Math.max(DEFAULT_MAX_ACK_PENDING, Math.floor(spec.concurrency) * REPLICA_HEADROOM),
    };
    const existing = await this.jsm.consumers.info(stream, spec.durable).catch((err: unknown) => {
      const code = apiErrCode(err);
      if (code === JsErr.consumerNotFound) return undefined;
      if (code === JsErr.streamNotFound) throw new StreamNotFoundError(`stream ${stream} not found`);
      throw err;
    });
    if (!existing) {
      const config: Partial<ConsumerConfig> = {
        durable_name: spec.durable,
        filter_subject: spec.subject,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ...wanted,
      };
      await this.jsm.consumers.add(stream, config);
      return;
    }
    if (existing.config.filter_subject !== spec.subject) {
      throw new Error(
        `durable ${spec.durable} reads ${String(existing.config.filter_subject)}, not ${spec.subject}: a durable's subject cannot change`,
      );
    }
    const c = existing.config;
    if (c.ack_wait !== wanted.ack_wait || c.max_deliver !== wanted.max_deliver || c.max_ack_pending !== wanted.max_ack_pending) {
      await this.jsm.consumers.update(stream, spec.durable, wanted);
    }
  }
}

/**
 * Pulls exactly as many messages as there are free handler slots, so that at most `concurrency` deliveries are
 * unacked in this process and none waits in a client buffer while its ack timer runs.
 */
class ConsumeLoop {
  lastError: Error | undefined;
  private readonly inFlight = new InFlight();
  private stopped = false;
  private current: ConsumerMessages | undefined;
  private slotWaiter: (() => void) | undefined;
  private pauseWaiter: (() => void) | undefined;
  private done: Promise<void> = Promise.resolve();

  constructor(
    private readonly consumer: Consumer,
    private readonly concurrency: number,
    private readonly handler: DeliveryHandler,
  ) {}

  start(): void {
    this.done = this.run();
  }

  async drain(): Promise<void> {
    this.stopped = true;
    this.wakeSlot();
    this.pauseWaiter?.();
    await this.current?.close().catch(() => undefined);
    await this.done;
    await this.inFlight.idle();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      await this.slotFree();
      if (this.stopped) break;
      try {
        const batch = await this.consumer.fetch({
          max_messages: this.concurrency - this.inFlight.count,
          expires: FETCH_EXPIRES_MS,
        });
        this.current = batch;
        // drain() may have run while fetch() was resolving; close() only takes effect once iterated, so no await.
        if (this.stopped) void batch.close().catch(() => undefined);
        for await (const msg of batch) this.dispatch(msg);
        this.current = undefined;
        failures = 0;
        this.lastError = undefined;
      } catch (err) {
        this.current = undefined;
        if (this.stopped) break;
        // Disconnected, server restarting, consumer or stream gone: the client reconnects by itself; we retry.
        this.lastError = err instanceof Error ? err : new Error(String(err), { cause: err });
        failures++;
        await this.pause(Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(failures - 1, 5)));
      }
    }
  }

  private dispatch(msg: JsMsg): void {
    if (this.stopped) {
      // Arrived after drain began: hand it straight back so another replica takes it now, not after ack_wait.
      quietly(() => msg.nak());
      return;
    }
    void this.inFlight
      .run(async () => {
        const delivery = toDelivery(msg);
        try {
          await this.handler(delivery.delivery);
        } catch {
          // The runtime catches its own errors; one that escapes is a nak without delay.
          if (!delivery.settled()) delivery.delivery.nak(0);
        }
      })
      .catch(() => undefined)
      .finally(() => this.wakeSlot());
  }

  private slotFree(): Promise<void> {
    if (this.stopped || this.inFlight.count < this.concurrency) return Promise.resolve();
    return new Promise((resolve) => {
      this.slotWaiter = resolve;
    });
  }

  /** Backoff between failed pulls; drain cuts it short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.pauseWaiter = undefined;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.pauseWaiter = done;
    });
  }

  private wakeSlot(): void {
    const w = this.slotWaiter;
    this.slotWaiter = undefined;
    w?.();
  }
}

function toDelivery(msg: JsMsg): { delivery: Delivery; settled(): boolean } {
  let settled = false;
  const { msgId, headers } = splitHeaders(msg.headers);
  const info = msg.info;
  const delivery: Delivery = {
    subject: msg.subject,
    data: msg.data,
    msgId,
    headers,
    deliveryCount: info.redeliveryCount,
    seq: msg.seq,
    timestampMs: Math.floor(info.timestampNanos / 1e6),
    // Not confirmed (no ackAck round trip per message): a lost ack only redelivers the input after ack_wait, and its
    // outputs carry the same msg ids, which the stream's duplicate window drops. Exactly-once output stays.
    ack: async () => {
      settled = true;
      msg.ack();
    },
    // nak/term/working on a dead connection need no error: ack_wait redelivers in every case.
    nak: (delayMs?: number) => {
      settled = true;
      quietly(() => msg.nak(delayMs && delayMs > 0 ? delayMs : undefined));
    },
    term: () => {
      settled = true;
      quietly(() => msg.term());
    },
    working: () => quietly(() => msg.working()),
  };
  return { delivery, settled: () => settled };
}

class InFlight {
  count = 0;
  private waiters: Array<() => void> = [];

  async run(fn: () => Promise<void>): Promise<void> {
    this.count++;
    try {
      await fn();
    } finally {
      this.count--;
      if (this.count === 0) for (const w of this.waiters.splice(0)) w();
    }
  }

  idle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

function toNatsHeaders(h: Headers | undefined): MsgHdrs | undefined {
  if (!h) return undefined;
  const entries = Object.entries(h);
  if (entries.length === 0) return undefined;
  const out = natsHeaders();
  for (const [k, v] of entries) out.set(k, v);
  return out;
}

/**
 * Reads every message stored under `subject` now, through an ephemeral consumer whose num_pending at creation is
 * exactly what is stored, so reading stops there instead of waiting for more. Returns how many were read.
 */
export async function readStoredMessages(
  jsm: JetStreamManager,
  js: JetStreamClient,
  stream: string,
  subject: string,
  onMessage: (m: JsMsg) => void,
): Promise<number> {
  let ci;
  try {
    ci = await jsm.consumers.add(stream, {
      filter_subject: subject,
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.All,
      mem_storage: true,
      inactive_threshold: nanos(60_000),
    });
  } catch (err) {
    if (apiErrCode(err) === JsErr.streamNotFound) throw new StreamNotFoundError(`stream ${stream} not found`, { cause: err });
    throw err;
  }
  let remaining = ci.num_pending;
  let count = 0;
  try {
    const consumer = await js.consumers.get(stream, ci.name);
    while (remaining > 0) {
      const batch = await consumer.fetch({ max_messages: Math.min(remaining, 512), expires: 2_000 });
      let got = 0;
      let drained = false;
      // Read each batch to its end: leaving the iterator early would leave its close() waiting forever.
      for await (const m of batch) {
        got++;
        count++;
        onMessage(m);
        drained = m.info.pending === 0;
      }
      remaining -= got;
      // Nothing came, or nothing is left: some messages aged out (max_age) while we read.
      if (got === 0 || drained) break;
    }
  } finally {
    await jsm.consumers.delete(stream, ci.name).catch(() => false);
  }
  return count;
}

/** The message id header apart from the others, as the bus's `Headers` carry them. */
export function splitHeaders(h: MsgHdrs | undefined): { msgId: string; headers: Headers } {
  const headers: Record<string, string> = {};
  let msgId = '';
  if (!h) return { msgId, headers };
  for (const k of h.keys()) {
    if (k === MSG_ID_HEADER) msgId = h.get(k);
    else headers[k] = h.get(k);
  }
  return { msgId, headers };
}

function respondQuietly(msg: Msg, data: Uint8Array, h?: MsgHdrs): void {
  quietly(() => msg.respond(data, h ? { headers: h } : undefined));
}

function quietly(fn: () => unknown): void {
  try {
    fn();
  } catch {
    // Connection closed or draining: the peer's timeout or ack_wait covers it.
  }
}

function isCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

export function apiErrCode(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const api = (err as { api_error?: { err_code?: unknown } }).api_error;
  return typeof api?.err_code === 'number' ? api.err_code : undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Header values cannot carry line breaks. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').slice(0, 512);
}
