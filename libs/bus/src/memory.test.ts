import { randomUUID } from 'node:crypto';
import { busNames, Stage, Topic } from '@himari/contracts';
import { describe, expect, it, vi } from 'vitest';
import { transportContract } from './contract-suite.ts';
import { createMemoryTransport, subjectMatches } from './memory.ts';
import { bytes, deferred, waitFor } from './testing.ts';
import type { ConsumerSpec, Delivery } from './types.ts';

transportContract('memory', async () => {
  const transport = createMemoryTransport({ duplicateWindowMs: 60_000 });
  return { transport, names: busNames(`t${randomUUID().slice(0, 8)}`), cleanup: () => transport.close() };
});

const names = busNames('tmem');
const subject = names.subject(Topic.newsRaw);
const spec = (over: Partial<ConsumerSpec> = {}): ConsumerSpec => ({
  durable: names.durable(Stage.eventClassifier, Topic.newsRaw),
  subject,
  maxDeliver: 5,
  ackWaitMs: 60_000,
  concurrency: 1,
  ...over,
});

describe('subjectMatches', () => {
  it.each([
    ['a.b.c', 'a.b.c', true],
    ['a.*.c', 'a.b.c', true],
    ['a.*', 'a.b.c', false],
    ['a.>', 'a.b.c', true],
    ['a.>', 'a', false],
    ['>', 'a', true],
    ['a.b', 'a.b.c', false],
    ['a.b.c', 'a.b', false],
    ['*.b.>', 'x.b.c.d', true],
  ])('%s ~ %s = %s', (pattern, subj, want) => {
    expect(subjectMatches(pattern, subj)).toBe(want);
  });
});

describe('MemoryTransport specifics', () => {
  it('forgets a msgId once the duplicate window has passed', async () => {
    let now = 1_000_000;
    const t = createMemoryTransport({ duplicateWindowMs: 10_000, clock: () => now });
    await t.ensureStream();
    expect((await t.publish(subject, bytes('a'), { msgId: 'x' })).duplicate).toBe(false);
    now += 9_999;
    expect((await t.publish(subject, bytes('a'), { msgId: 'x' })).duplicate).toBe(true);
    now += 2;
    const third = await t.publish(subject, bytes('a'), { msgId: 'x' });
    expect(third.duplicate).toBe(false);
    expect(await t.readStored(subject, () => undefined)).toBe(2);
    await t.close();
  });

  it('an empty msgId is never de-duplicated', async () => {
    const t = createMemoryTransport({ duplicateWindowMs: 10_000 });
    await t.ensureStream();
    expect((await t.publish(subject, bytes('a'), { msgId: '' })).duplicate).toBe(false);
    expect((await t.publish(subject, bytes('a'), { msgId: '' })).duplicate).toBe(false);
    expect(await t.readStored(subject, () => undefined)).toBe(2);
    await t.close();
  });

  it('never delivers inside publish: handlers run on a later turn', async () => {
    const t = createMemoryTransport({ duplicateWindowMs: 10_000 });
    await t.ensureStream();
    let calls = 0;
    await t.consume(spec(), async (d) => {
      calls++;
      await d.ack();
    });
    const pending = t.publish(subject, bytes('a'), { msgId: 'a' });
    expect(calls).toBe(0);
    await pending;
    expect(calls).toBe(0);
    await waitFor(() => calls === 1);
    await t.close();
  });

  it('spreads work round-robin over replicas with free slots', async () => {
    const t = createMemoryTransport({ duplicateWindowMs: 10_000 });
    await t.ensureStream();
    const counts = [0, 0, 0];
    for (const i of [0, 1, 2]) {
      await t.consume(spec(), async (d) => {
        counts[i]!++;
        await d.ack();
      });
    }
    for (let i = 0; i < 30; i++) await t.publish(subject, bytes(`m${i}`), { msgId: `m${i}` });
    await waitFor(() => counts[0]! + counts[1]! + counts[2]! === 30);
    for (const c of counts) expect(c).toBeGreaterThanOrEqual(5);
    await t.close();
  });

  it('drops messages every durable has finished, keeps those a durable still needs', async () => {
    const t = createMemoryTransport({ duplicateWindowMs: 10_000 });
    await t.ensureStream();
    const fast = await t.consume(spec({ durable: 'fast', concurrency: 8 }), (d) => d.ack());
    for (let i = 0; i < 1_000; i++) await t.publish(subject, bytes(`m${i}`), { msgId: `m${i}` });
    await waitFor(async () => (await fast.info()).pending === 0 && (await fast.info()).ackPending === 0);
    expect(await t.readStored(subject, () => undefined)).toBe(0);

    // A second durable that has not read anything yet holds everything published after it appeared.
    const gate = deferred();
    const slow = await t.consume(spec({ durable: 'slow' }), async (d: Delivery) => {
      await gate.promise;
      await d.ack();
    });
    for (let i = 0; i < 10; i++) await t.publish(subject, bytes(`n${i}`), { msgId: `n${i}` });
    await waitFor(async () => (await fast.info()).pending === 0 && (await fast.info()).ackPending === 0);
    expect(await t.readStored(subject, () => undefined)).toBe(10);
    gate.resolve();
    await waitFor(async () => (await slow.info()).ackPending === 0 && (await slow.info()).pending === 0);
    expect(await t.readStored(subject, () => undefined)).toBe(0);
    await t.close();
  });

  it('keeps messages of a subject nobody consumes (dead letters, tap --from-start)', async () => {
    const t = createMemoryTransport({ duplicateWindowMs: 10_000 });
    await t.ensureStream();
    const dlq = names.deadLetter(Stage.calibrator);
    for (let i = 0; i < 300; i++) await t.publish(dlq, bytes(`d${i}`), { msgId: `d${i}` });
    expect(await t.readStored(dlq, () => undefined)).toBe(300);
    await t.close();
  });

  it('close() clears its timers so that a process can exit', async () => {
    // Counts only the timers made while this test runs: fake setTimeout/clearTimeout keep their own register, where
    // the process-wide count (getActiveResourcesInfo) also saw other code's timers come and go and failed under load.
    // Time still advances with the wall clock, so waitFor polls as usual; the 60 s nak delays never come due.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
    try {
      const t = createMemoryTransport({ duplicateWindowMs: 10_000 });
      await t.ensureStream();
      let held = 0;
      await t.consume(spec({ concurrency: 5 }), async (d) => {
        held++;
        d.nak(60_000);
      });
      for (let i = 0; i < 5; i++) await t.publish(subject, bytes(`m${i}`), { msgId: `m${i}` });
      await waitFor(() => held === 5);
      expect(vi.getTimerCount()).toBeGreaterThanOrEqual(5);
      await t.close();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects a durable reused on another subject, and calls after close', async () => {
    const t = createMemoryTransport({ duplicateWindowMs: 10_000 });
    await t.ensureStream();
    await t.consume(spec(), (d) => d.ack());
    await expect(t.consume(spec({ subject: names.subject(Topic.newsAccepted) }), (d) => d.ack())).rejects.toThrow(/cannot change/);
    await t.close();
    await expect(t.publish(subject, bytes('x'), { msgId: 'x' })).rejects.toThrow(/closed/);
  });
});
