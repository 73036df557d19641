/**
 * Test helpers shared by every package that runs against a Transport. No test framework imports here, so scripts
 * and benches can use them too.
 */
import { setTimeout as delay } from 'node:timers/promises';

export class WaitForTimeoutError extends Error {
  override readonly name = 'WaitForTimeoutError';
  readonly retryable = false;
}

export interface WaitForOptions {
  /** Poll period. @default 10 */
  intervalMs?: number;
  /** Shown in the timeout error, with the last value the predicate threw if any. */
  message?: string;
}

/**
 * Polls `predicate` until it returns true or `timeoutMs` passes: the synchronisation tests use instead of sleeps.
 * A predicate that throws counts as false (so `expect(...)` inside it works); its last error is reported on timeout.
 */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 5_000, opts: WaitForOptions = {}): Promise<void> {
  const intervalMs = opts.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await predicate()) return;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new WaitForTimeoutError(`${opts.message ?? 'condition not met'} within ${timeoutMs} ms${why}`);
    }
    await delay(intervalMs);
  }
}

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

/** A gate a test opens by hand, e.g. to hold handlers in flight while it checks a bound. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 payloads for tests that do not care about the codec. */
export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

export function text(data: Uint8Array): string {
  return decoder.decode(data);
}
