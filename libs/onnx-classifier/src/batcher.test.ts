import { describe, expect, it } from 'vitest';
import { MicroBatcher } from './batcher.ts';
import { OnnxScorerClosedError } from './errors.ts';

/** A batch function the test releases by hand, so that no test depends on timing. */
function gated() {
  const calls: { items: number[]; release: () => void; fail: (e: Error) => void }[] = [];
  const run = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ items, release: () => resolve(items.map((i) => `r${i}`)), fail: reject });
    });
  return { calls, run };
}

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
}

describe('MicroBatcher', () => {
  it('runs a full batch at once and answers each caller with its own result', async () => {
    const g = gated();
    const b = new MicroBatcher(g.run, { maxBatch: 3, maxWaitMs: 60_000 });
    const ps = [1, 2, 3].map((i) => b.push(i));
    await until(() => g.calls.length === 1);
    expect(g.calls[0]!.items).toEqual([1, 2, 3]);
    g.calls[0]!.release();
    expect(await Promise.all(ps)).toEqual(['r1', 'r2', 'r3']);
  });

  it('runs a partial batch after maxWaitMs', async () => {
    const g = gated();
    const b = new MicroBatcher(g.run, { maxBatch: 16, maxWaitMs: 1 });
    const p = b.push(7);
    await until(() => g.calls.length === 1);
    expect(g.calls[0]!.items).toEqual([7]);
    g.calls[0]!.release();
    expect(await p).toBe('r7');
  });

  it('queues while a batch runs and starts the next one as soon as it ends, up to maxBatch', async () => {
    const g = gated();
    const b = new MicroBatcher(g.run, { maxBatch: 2, maxWaitMs: 60_000 });
    const first = [b.push(1), b.push(2)];
    await until(() => g.calls.length === 1);
    const later = [3, 4, 5].map((i) => b.push(i));
    expect(g.calls.length).toBe(1);
    g.calls[0]!.release();
    await until(() => g.calls.length === 2);
    expect(g.calls[1]!.items).toEqual([3, 4]);
    g.calls[1]!.release();
    await until(() => g.calls.length === 3);
    expect(g.calls[2]!.items).toEqual([5]);
    g.calls[2]!.release();
    expect(await Promise.all([...first, ...later])).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(b.batchSizes).toEqual([2, 2, 1]);
  });

  it('rejects every item of a failed batch, and goes on with the next', async () => {
    const g = gated();
    const b = new MicroBatcher(g.run, { maxBatch: 2, maxWaitMs: 60_000 });
    const bad = [b.push(1), b.push(2)];
    await until(() => g.calls.length === 1);
    g.calls[0]!.fail(new Error('boom'));
    for (const p of bad) await expect(p).rejects.toThrow('boom');
    const good = [b.push(3), b.push(4)];
    await until(() => g.calls.length === 2);
    g.calls[1]!.release();
    expect(await Promise.all(good)).toEqual(['r3', 'r4']);
  });

  it('close runs what is queued, then refuses new items', async () => {
    const b = new MicroBatcher(async (xs: number[]) => xs.map((x) => x * 2), { maxBatch: 8, maxWaitMs: 60_000 });
    const p = b.push(21);
    await b.close();
    expect(await p).toBe(42);
    await expect(b.push(1)).rejects.toBeInstanceOf(OnnxScorerClosedError);
  });
});
