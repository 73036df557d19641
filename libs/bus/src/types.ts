/**
 * The transport every actor talks through. Two implementations share these semantics:
 * NATS JetStream (distributed mode) and an in-memory bus (embedded mode and fast tests).
 *
 * Semantics both must keep:
 * - at-least-once: a delivery not acked within `ackWaitMs` (or nak'ed) is delivered again, up to `maxDeliver` times;
 * - `msgId` de-duplication on publish within the duplicate window: publishing the same id twice stores one message,
 *   which is what makes a redelivered input never produce a second output;
 * - one durable consumer per (stage, topic): N replicas of an actor share its work, each message goes to one of them;
 * - distinct durables on the same subject each see every message (fan-out).
 */

export type Headers = Readonly<Record<string, string>>;

export interface PublishOptions {
  /** De-duplication id: derive it from the input's id and the stage so that retries publish the same id. */
  msgId: string;
  headers?: Headers;
}

export interface PublishResult {
  /** True when the id was already stored inside the duplicate window and nothing new was stored. */
  duplicate: boolean;
  seq: number;
}

export interface Delivery {
  readonly subject: string;
  readonly data: Uint8Array;
  /** The publisher's msgId (empty when the publisher gave none). */
  readonly msgId: string;
  readonly headers: Headers;
  /** 1 on the first delivery. */
  readonly deliveryCount: number;
  /** Stream sequence, for logs and lag. */
  readonly seq: number;
  /** Publish time, epoch ms. */
  readonly timestampMs: number;
  ack(): Promise<void>;
  /** Redeliver after `delayMs` (counts as a delivery). */
  nak(delayMs?: number): void;
  /** Never redeliver: the runtime has dead-lettered it. */
  term(): void;
  /** Still working: restart the ack timer (long inference). */
  working(): void;
}

export interface ConsumerSpec {
  /** Durable name; replicas with the same name share the work. */
  durable: string;
  /** Exact subject this consumer reads. */
  subject: string;
  maxDeliver: number;
  ackWaitMs: number;
  /** Most unacked deliveries handed to this process at once (one pull asks for the free slots). */
  concurrency: number;
  /** Most unacked deliveries of the durable across all its consumers (JetStream max_ack_pending). */
  maxAckPending?: number;
}

export interface ConsumerInfo {
  /** Messages not yet delivered to the durable (consumer lag). */
  pending: number;
  /** Delivered but not acked. */
  ackPending: number;
}

export interface Subscription {
  /** Stop taking new deliveries and wait for the handlers in flight. */
  drain(): Promise<void>;
  info(): Promise<ConsumerInfo>;
}

export type DeliveryHandler = (delivery: Delivery) => Promise<void>;

export type RequestHandler = (data: Uint8Array) => Promise<Uint8Array>;

/** Plain message seen by a tap: no ack, no durability. */
export interface TapMessage {
  subject: string;
  data: Uint8Array;
  msgId: string;
  headers: Headers;
}

export interface Transport {
  readonly kind: 'nats' | 'memory';
  /** Creates the stream (or the in-memory equivalent) if missing. Idempotent. */
  ensureStream(): Promise<void>;
  publish(subject: string, data: Uint8Array, opts: PublishOptions): Promise<PublishResult>;
  consume(spec: ConsumerSpec, handler: DeliveryHandler): Promise<Subscription>;
  /** Request-reply outside the stream (RAG search). Rejects with TransportTimeoutError after `timeoutMs`. */
  request(subject: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  serve(subject: string, handler: RequestHandler, queueGroup: string): Promise<Subscription>;
  /** Live, non-durable view of traffic for debugging (`himari tap`); `subject` may use NATS wildcards. */
  tap(subject: string, onMessage: (msg: TapMessage) => void): Promise<Subscription>;
  /** Replays stored messages of a subject from the start (tests, `himari tap --from-start`). */
  readStored(subject: string, onMessage: (msg: TapMessage) => void): Promise<number>;
  close(): Promise<void>;
}

export class TransportTimeoutError extends Error {
  override readonly name = 'TransportTimeoutError';
  readonly retryable = true;
}

/** Nobody serves the subject (request) or no stream captures it (publish): usually a start-up ordering problem. */
export class TransportNoRespondersError extends Error {
  override readonly name = 'TransportNoRespondersError';
  readonly retryable = true;
}

/** The stream, or a durable's stream, is missing: `ensureStream()` was not called or the stream was deleted. */
export class StreamNotFoundError extends Error {
  override readonly name = 'StreamNotFoundError';
  readonly retryable = true;
}

/** The serving side's handler threw: the reply carries its message instead of leaving the requester to time out. */
export class TransportRemoteError extends Error {
  override readonly name = 'TransportRemoteError';
  readonly retryable = false;
}

/** The server refuses a message this large (its max_payload): no retry can help. */
export class MessageTooLargeError extends Error {
  override readonly name = 'MessageTooLargeError';
  readonly code = 'too_large';
  readonly retryable = false;
}
