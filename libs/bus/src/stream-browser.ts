import type { NatsSecurity } from '@himari/config';
import { redact } from '@himari/observability';
import { apiErrCode, natsConnectionOptions, readStoredMessages, splitHeaders } from './nats.ts';
import type { BusNames } from '@himari/contracts';
import { connect, headers as natsHeaders, type JetStreamManager, type NatsConnection } from 'nats';
import { StreamNotFoundError, type Headers, type PublishOptions, type PublishResult } from './types.ts';

/** One message as the stream stores it: what an operator browses (`himari dlq`, NATS's `stream view`). */
export interface StoredMessage {
  /** Stream sequence: the message's stable id inside the stream. */
  seq: number;
  subject: string;
  /** Time the stream stored it, epoch ms. */
  timestampMs: number;
  /** The publisher's `Nats-Msg-Id` (empty when none). */
  msgId: string;
  headers: Headers;
  data: Uint8Array;
}

export interface StreamBrowserOptions {
  url: string;
  names: BusNames;
  /** How long to wait for the server before failing with BusUnreachableError. @default 5000 */
  connectTimeoutMs?: number;
  name?: string;
  /** Credentials and TLS (`natsSecurity(config)`), as for the actors' transport. */
  security?: NatsSecurity;
}

/** Read and delete access to the stored messages of one deployment's stream, by sequence. */
export interface StreamBrowser {
  /** Every stored message on `subject` (wildcards allowed), oldest first. */
  list(subject: string): Promise<StoredMessage[]>;
  /** The message at `seq`, or undefined when it was deleted or aged out. */
  get(seq: number): Promise<StoredMessage | undefined>;
  /** Deletes one message; false when it was already gone. */
  remove(seq: number): Promise<boolean>;
  /** Publishes into the stream with a de-duplication id (re-drives, audit records). */
  publish(subject: string, data: Uint8Array, opts: PublishOptions): Promise<PublishResult>;
  close(): Promise<void>;
}

/** The server could not be reached within the connect timeout (operator commands fail fast instead of waiting). */
export class BusUnreachableError extends Error {
  override readonly name = 'BusUnreachableError';
  readonly retryable = true;
}

const STREAM_NOT_FOUND = 10059;
const MESSAGE_NOT_FOUND = 10037;

/** Connects once, without reconnecting: an operator command should fail in seconds, not wait for a server forever. */
export async function openStreamBrowser(opts: StreamBrowserOptions): Promise<StreamBrowser> {
  const timeout = opts.connectTimeoutMs ?? 5_000;
  let nc: NatsConnection;
  try {
    nc = await connect({
      ...natsConnectionOptions(opts.url, { ...opts.security, connectTimeoutMs: timeout }),
      name: opts.name ?? 'himari-stream-browser',
      maxReconnectAttempts: 0,
    });
  } catch (err) {
    throw new BusUnreachableError(`cannot reach NATS at ${redact(opts.url)} within ${timeout} ms: ${redact((err as Error).message)}`, {
      cause: err,
    });
  }
  try {
    const jsm = await nc.jetstreamManager({ timeout });
    return new JetStreamBrowser(nc, jsm, opts.names.stream);
  } catch (err) {
    await nc.close().catch(() => undefined);
    throw new BusUnreachableError(`NATS at ${opts.url} has no JetStream: ${(err as Error).message}`, { cause: err });
  }
}

class JetStreamBrowser implements StreamBrowser {
  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
  ) {}

  async list(subject: string): Promise<StoredMessage[]> {
    const out: StoredMessage[] = [];
    await readStoredMessages(this.jsm, this.nc.jetstream(), this.stream, subject, (m) => {
      const { msgId, headers } = splitHeaders(m.headers);
      out.push({ seq: m.seq, subject: m.subject, timestampMs: Math.floor(m.info.timestampNanos / 1e6), msgId, headers, data: m.data });
    });
    return out;
  }

  async get(seq: number): Promise<StoredMessage | undefined> {
    try {
      const m = await this.jsm.streams.getMessage(this.stream, { seq });
      const { msgId, headers } = splitHeaders(m.header);
      return { seq: m.seq, subject: m.subject, timestampMs: m.time.getTime(), msgId, headers, data: m.data };
    } catch (err) {
      const code = apiErrCode(err);
      if (code === MESSAGE_NOT_FOUND) return undefined;
      if (code === STREAM_NOT_FOUND) throw new StreamNotFoundError(`stream ${this.stream} not found`, { cause: err });
      throw err;
    }
  }

  async remove(seq: number): Promise<boolean> {
    try {
      // Not erased: overwriting the bytes costs I/O and buys nothing for an operator's purge.
      return await this.jsm.streams.deleteMessage(this.stream, seq, false);
    } catch (err) {
      if (apiErrCode(err) === MESSAGE_NOT_FOUND) return false;
      throw err;
    }
  }

  async publish(subject: string, data: Uint8Array, opts: PublishOptions): Promise<PublishResult> {
    const h = natsHeaders();
    for (const [k, v] of Object.entries(opts.headers ?? {})) h.set(k, v);
    const ack = await this.nc.jetstream().publish(subject, data, { msgID: opts.msgId, headers: h });
    return { duplicate: ack.duplicate, seq: ack.seq };
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.close();
  }
}
