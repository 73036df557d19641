import type { BusNames, Stage, Topic, TypedTopic, TopicMessage } from '@himari/contracts';
import type { Logger } from '@himari/observability';

/** One message to publish, typed by its topic. `msgId` must be derived from the input so a retry republishes the same id. */
export type Output = { [T in TypedTopic]: { topic: T; message: TopicMessage<T>; msgId: string } }[TypedTopic];

/** What a handler decided. The runtime turns it into publish + ack, or dead letter + term. */
export type HandlerOutcome =
  | { kind: 'publish'; outputs: Output[] }
  /** A poison or invalid message: dead-lettered with the reason, never retried. */
  | { kind: 'reject'; code: string; reason: string; newsId?: string }
  /** Handled with nothing to publish (e.g. an outcome folded into the calibrator's state). */
  | { kind: 'done' };

export interface HandleContext {
  readonly msgId: string;
  readonly seq: number;
  readonly deliveryCount: number;
  readonly subject: string;
  readonly log: Logger;
  now(): number;
  /** Tell the bus the handler is still alive (long inference). */
  working(): void;
}

/** One input of an actor: a topic, how to decode it, what to do with it. */
export interface InputBinding<T = unknown> {
  topic: Topic;
  /** Throws DecodeError (or any non-retryable error) for bytes that can never be handled. */
  decode(bytes: Uint8Array): T;
  /** A pure-ish async function of (input, ctx): testable without a bus. */
  handle(input: T, ctx: HandleContext): Promise<HandlerOutcome>;
  /**
   * Handles a batch pulled together in one call (one inference for a batch of texts); outcomes in input order. A
   * throw fails every item of the batch (retry or dead letter by the error, as for `handle`). Without it, `handle`
   * runs for each item, concurrently.
   */
  handleBatch?(inputs: T[], ctxs: HandleContext[]): Promise<HandlerOutcome[]>;
  /**
   * Batches of this input are handled one after another, in delivery order (the ingestor's first-claim-wins):
   * publishing and acking still overlap with the next batch.
   */
  ordered?: boolean;
}

export interface ActorDefinition {
  stage: Stage;
  inputs: InputBinding<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- each binding is typed where it is built
  /** Request-reply services this actor answers (rag search, features read). */
  services?: ServiceBinding[];
  /** Runs once the consumers are up; returns a disposer (timers, models). */
  start?(): Promise<(() => Promise<void>) | void>;
}

export interface ServiceBinding {
  subject: string;
  handle(data: Uint8Array): Promise<Uint8Array>;
}

export interface RetryPolicy {
  maxDeliver: number;
  backoffMs: number[];
  ackWaitMs: number;
}

export interface RuntimeOptions {
  names: BusNames;
  retry: RetryPolicy;
  /** Messages this process holds unacked at once, per input. */
  concurrency: number;
  /** Most messages handed to one batch call. @default 1 */
  batchSize?: number;
  /** JetStream max_ack_pending of each durable (all replicas). */
  maxAckPending?: number;
  /** Outputs awaiting their stream ack at once in this process. @default 256 */
  publishInFlight?: number;
  drainTimeoutMs: number;
  log: Logger;
  /** Larger inputs are dead-lettered `too_large` before decoding. @default 1048576 */
  maxMessageBytes?: number;
  clock?: () => number;
}

export type ActorState = 'idle' | 'starting' | 'running' | 'draining' | 'stopped';

/** Errors say whether a retry can help; checked by property so it survives process boundaries. */
export function isRetryable(err: unknown): boolean {
  if (err && typeof err === 'object' && 'retryable' in err) return Boolean((err as { retryable: unknown }).retryable);
  return true;
}

export function errorCode(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; name?: unknown };
    if (typeof e.code === 'string' && e.code) return e.code;
    if (typeof e.name === 'string' && e.name && e.name !== 'Error') return e.name;
  }
  return 'handler_error';
}
