import { loadConfig } from '@himari/config';
import { busNames } from '@himari/contracts';
import type { HandleContext } from '@himari/actor-runtime';
import { silentLogger } from '@himari/observability';
import { createMemorySignalStore } from '@himari/signal-store';
import { makeSignal, testStoreOptions } from '@himari/signal-store/testing';
import { describe, expect, it } from 'vitest';
import type { PipelineDeps } from '../deps.ts';
import { cacheWriterActor } from './cache-writer.ts';

const NOW = Date.parse('2026-12-06T06:00:00.000Z');

function setup(signals: object = {}) {
  const store = createMemorySignalStore(testStoreOptions('cw'), () => NOW);
  const deps = {
    config: loadConfig({ overrides: { signals } }),
    names: busNames('cw'),
    store,
    clock: () => NOW,
  } as unknown as PipelineDeps;
  const input = cacheWriterActor(deps).inputs[0]!;
  const ctx: HandleContext = {
    msgId: 'm',
    seq: 1,
    deliveryCount: 1,
    subject: 's',
    log: silentLogger(),
    now: () => NOW,
    working: () => undefined,
  };
  return {
    store,
    handle: (s: object) => input.handle(s, ctx),
    handleBatch: (ss: object[]) =>
      input.handleBatch!(
        ss,
        ss.map(() => ctx),
      ),
  };
}

describe('cache writer', () => {
  it('writes the guarded signal and announces it; a second apply of the id says already_applied', async () => {
    const { store, handle } = setup();
    const s = makeSignal({
      id: 'x',
      confidence: 0.9,
      flags: ['possible_prompt_injection'],
      published_at: new Date(NOW - 60_000).toISOString(),
    });
    const first = await handle(s);
    expect(first).toMatchObject({ kind: 'publish', outputs: [{ msgId: 'stored:x', message: { confidence: 0.3 } }] });
    expect((await store.latest('BTC'))?.confidence).toBe(0.3);
    const again = await handle(s);
    expect(again).toMatchObject({ kind: 'publish', outputs: [{ message: { flags: expect.arrayContaining(['already_applied']) } }] });
    expect(await store.appliedCount()).toBe(1);
  });

  it('dead-letters stale news under policy reject and writes nothing', async () => {
    const { store, handle } = setup({ stale_news: { policy: 'reject' } });
    const out = await handle(makeSignal({ id: 'old', published_at: '2015-03-01T12:00:00.000Z' }));
    expect(out).toMatchObject({ kind: 'reject', code: 'stale_news', newsId: 'old' });
    expect(await store.appliedCount()).toBe(0);
  });

  it('applies a batch in one call, each signal once, with guard rejects and refused signals in their own places', async () => {
    const { store, handleBatch } = setup({ stale_news: { policy: 'reject' } });
    const fresh = new Date(NOW - 60_000).toISOString();
    const out = await handleBatch([
      makeSignal({ id: 'a', published_at: fresh }),
      makeSignal({ id: 'old', published_at: '2015-03-01T12:00:00.000Z' }),
      makeSignal({ id: 'b', asset: 'ETH', published_at: fresh }),
    ]);
    expect(out.map((o) => o.kind)).toEqual(['publish', 'reject', 'publish']);
    expect(await store.appliedCount()).toBe(2);
    // A signal the store refuses (an asset that cannot be a key) fails alone; the others of the batch are written.
    const mixed = await handleBatch([
      makeSignal({ id: 'c', published_at: fresh }),
      makeSignal({ id: 'bad', asset: 'no spaces!', published_at: fresh }),
    ]);
    expect(mixed.map((o) => o.kind)).toEqual(['publish', 'reject']);
    expect(await store.appliedCount()).toBe(3);
  });
});
