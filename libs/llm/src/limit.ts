/** Retry delays for the backends (their concurrency limits are p-limit). */

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): a uniform delay
 * in [0, base·2^attempt], capped, so that clients that failed together do not retry together.
 */
export function backoffDelayMs(attempt: number, baseMs: number, capMs = 10_000, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}
