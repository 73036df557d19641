import { setTimeout as delay } from 'node:timers/promises';
import { Stage, Topic, type BusNames } from '@himari/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bytes, deferred, text, waitFor } from './testing.ts';
import {
  StreamNotFoundError,
  TransportNoRespondersError,
  TransportRemoteError,
  TransportTimeoutError,
  type ConsumerSpec,
  type Delivery,
  type Subscription,
  type TapMessage,
  type Transport,
} from './types.ts';

export interface TransportUnderTest {
  transport: Transport;
  names: BusNames;
  cleanup(): Promise<void>;
}

/** What one delivery looked like when the handler saw it. */
interface Seen {
  msgId: string;
  body: string;
  deliveryCount: number;
  seq: number;
  atMs: number;
}

async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

function seen(d: Delivery): Seen {
  return { msgId: d.msgId, body: text(d.data), deliveryCount: d.deliveryCount, seq: d.seq, atMs: Date.now() };
}

/**
 * The semantics both transports promise (see types.ts), run against each of them. `makeTransport` returns a fresh
 * transport on a fresh, uniquely named stream; `cleanup` closes it and deletes what it created.
 */
export function transportContract(name: string, makeTransport: () => Promise<TransportUnderTest>): void {
  describe(`Transport contract: ${name}`, () => {
    let t: Transport;
    let names: BusNames;
    let cleanup: () => Promise<void>;
    let subject: string;
    /** Gates opened at the end of every test, so that a failed assertion never leaves a handler hanging. */
    let gates: Array<{ resolve(): void }>;

    beforeEach(async () => {
      ({ transport: t, names, cleanup } = await makeTransport());
      subject = names.subject(Topic.newsRaw);
      gates = [];
      await t.ensureStream();
    });

    afterEach(async () => {
      for (const g of gates) g.resolve();
      await cleanup();
    });

    const gate = (): { promise: Promise<void>; resolve(): void } => {
      const g = deferred<void>();
      gates.push(g);
      return g;
    };

    const spec = (over: Partial<ConsumerSpec> = {}): ConsumerSpec => ({
      durable: names.durable(Stage.eventClassifier, Topic.newsRaw),
      subject,
      maxDeliver: 5,
      ackWaitMs: 10_000,
      concurrency: 4,
      ...over,
    });

    const publishN = async (n: number, prefix = 'm'): Promise<void> => {
      for (let i = 0; i < n; i++) await t.publish(subject, bytes(`${prefix}${i}`), { msgId: `${prefix}-${i}` });
    };

    const settled = async (sub: Subscription): Promise<void> => {
      await waitFor(
        async () => {
          const info = await sub.info();
          return info.pending === 0 && info.ackPending === 0;
        },
        10_000,
        { message: 'consumer did not settle' },
      );
    };

    it('ensureStream is idempotent', async () => {
      await t.ensureStream();
      await t.ensureStream();
      const r = await t.publish(subject, bytes('x'), { msgId: 'x' });
      expect(r.duplicate).toBe(false);
    });

    it('publish → consume → ack round trip carries data, msgId, headers and metadata', async () => {
      const before = Date.now();
      const r1 = await t.publish(subject, bytes('one'), { msgId: 'id-1', headers: { 'X-Trace': 'abc' } });
      const r2 = await t.publish(subject, bytes('two'), { msgId: 'id-2' });
      expect(r1.duplicate).toBe(false);
      expect(r2.seq).toBeGreaterThan(r1.seq);
      const got: Delivery[] = [];
      const sub = await t.consume(spec(), async (d) => {
        got.push(d);
        await d.ack();
      });
      await waitFor(() => got.length === 2);
      const [a, b] = got;
      expect(text(a!.data)).toBe('one');
      expect(a!.subject).toBe(subject);
      expect(a!.msgId).toBe('id-1');
      expect(a!.headers['X-Trace']).toBe('abc');
      expect(a!.deliveryCount).toBe(1);
      expect(a!.seq).toBe(r1.seq);
      expect(a!.timestampMs).toBeGreaterThanOrEqual(before - 1_000);
      expect(a!.timestampMs).toBeLessThanOrEqual(Date.now() + 1_000);
      expect(b!.msgId).toBe('id-2');
      expect(b!.headers['X-Trace']).toBeUndefined();
      await settled(sub);
      await sub.drain();
    });

    it('publishing the same msgId twice stores one message and reports the duplicate', async () => {
      const first = await t.publish(subject, bytes('a'), { msgId: 'same' });
      const second = await t.publish(subject, bytes('a again'), { msgId: 'same' });
      const other = await t.publish(subject, bytes('b'), { msgId: 'other' });
      expect(first.duplicate).toBe(false);
      expect(second.duplicate).toBe(true);
      expect(second.seq).toBe(first.seq);
      expect(other.duplicate).toBe(false);
      const bodies: string[] = [];
      expect(await t.readStored(subject, (m) => bodies.push(text(m.data)))).toBe(2);
      expect(bodies).toEqual(['a', 'b']);
    });

    it('publishing or consuming without a stream fails with StreamNotFoundError', async () => {
      const other = await makeTransport();
      try {
        const s = other.names.subject(Topic.newsRaw);
        await expect(other.transport.publish(s, bytes('x'), { msgId: 'x' })).rejects.toBeInstanceOf(StreamNotFoundError);
        await expect(other.transport.consume(spec({ subject: s }), async () => undefined)).rejects.toBeInstanceOf(StreamNotFoundError);
      } finally {
        await other.cleanup();
      }
    });

    it('two replicas of one durable share the work; no message reaches both unless redelivered', async () => {
      const open = gate();
      const byReplica: Seen[][] = [[], []];
      const handler = (i: 0 | 1) => async (d: Delivery) => {
        byReplica[i]!.push(seen(d));
        await open.promise;
        await d.ack();
      };
      const a = await t.consume(spec({ concurrency: 1 }), handler(0));
      const b = await t.consume(spec({ concurrency: 1 }), handler(1));
      await publishN(2, 'first');
      // Each replica holds one message and has no free slot: the second message can only have gone to the other one.
      await waitFor(() => byReplica[0]!.length === 1 && byReplica[1]!.length === 1);
      open.resolve();
      await publishN(30, 'more');
      await waitFor(() => new Set([...byReplica[0]!, ...byReplica[1]!].map((s) => s.msgId)).size === 32);
      await settled(a);
      const firstDeliveries = [...byReplica[0]!, ...byReplica[1]!].filter((s) => s.deliveryCount === 1);
      expect(firstDeliveries).toHaveLength(32);
      expect(new Set(firstDeliveries.map((s) => s.msgId)).size).toBe(32);
      await a.drain();
      await b.drain();
    });

    it('two durables on one subject each see every message (fan-out)', async () => {
      const x: string[] = [];
      const y: string[] = [];
      const sx = await t.consume(spec({ durable: names.durable(Stage.finbertActor, Topic.newsRaw) }), async (d) => {
        x.push(d.msgId);
        await d.ack();
      });
      const sy = await t.consume(spec({ durable: names.durable(Stage.cotActor, Topic.newsRaw) }), async (d) => {
        y.push(d.msgId);
        await d.ack();
      });
      await publishN(5);
      await waitFor(() => x.length === 5 && y.length === 5);
      expect([...x].sort()).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-4']);
      expect([...y].sort()).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-4']);
      await settled(sx);
      await settled(sy);
      await sx.drain();
      await sy.drain();
    });

    it('a durable created after publishing reads the stored messages from the start', async () => {
      await publishN(3);
      const got: string[] = [];
      const sub = await t.consume(spec(), async (d) => {
        got.push(d.msgId);
        await d.ack();
      });
      await waitFor(() => got.length === 3);
      expect(got).toEqual(['m-0', 'm-1', 'm-2']);
      await sub.drain();
    });

    it('nak redelivers with deliveryCount incremented, after the requested delay', async () => {
      const got: Seen[] = [];
      const sub = await t.consume(spec(), async (d) => {
        got.push(seen(d));
        if (d.deliveryCount === 1) d.nak(0);
        else if (d.deliveryCount === 2) d.nak(400);
        else await d.ack();
      });
      await t.publish(subject, bytes('n'), { msgId: 'nak-me' });
      await waitFor(() => got.length === 3);
      expect(got.map((s) => s.deliveryCount)).toEqual([1, 2, 3]);
      expect(new Set(got.map((s) => s.seq)).size).toBe(1);
      // A lower bound only: the transport may be later, never earlier.
      expect(got[2]!.atMs - got[1]!.atMs).toBeGreaterThanOrEqual(350);
      await settled(sub);
      await sub.drain();
    });

    it('a handler that throws does not break the transport: the message comes back', async () => {
      const got: number[] = [];
      const sub = await t.consume(spec(), async (d) => {
        got.push(d.deliveryCount);
        if (d.deliveryCount === 1) throw new Error('boom');
        await d.ack();
      });
      await t.publish(subject, bytes('t'), { msgId: 'throws' });
      await waitFor(() => got.length === 2);
      expect(got).toEqual([1, 2]);
      await settled(sub);
      await sub.drain();
    });

    it('an unacked delivery is redelivered once ackWait runs out', async () => {
      const ackWaitMs = 600;
      const got: Seen[] = [];
      const sub = await t.consume(spec({ ackWaitMs }), async (d) => {
        got.push(seen(d));
        if (d.deliveryCount >= 2) await d.ack();
        // First delivery: return without settling, like a crashed worker.
      });
      await t.publish(subject, bytes('w'), { msgId: 'ack-wait' });
      await waitFor(() => got.length === 2, 10_000);
      expect(got.map((s) => s.deliveryCount)).toEqual([1, 2]);
      expect(got[1]!.atMs - got[0]!.atMs).toBeGreaterThanOrEqual(ackWaitMs - 100);
      await settled(sub);
      await sub.drain();
    });

    it('working() restarts the ack timer', async () => {
      const ackWaitMs = 800;
      const got: number[] = [];
      // Free slots, so that a redelivery (the bug) would have somewhere to go while the first handler works.
      const sub = await t.consume(spec({ ackWaitMs, concurrency: 4 }), async (d) => {
        got.push(d.deliveryCount);
        // Simulated long inference, well past ackWait, with progress reports far more often than ackWait.
        const until = Date.now() + 2.5 * ackWaitMs;
        while (Date.now() < until) {
          d.working();
          await delay(100);
        }
        await d.ack();
      });
      await t.publish(subject, bytes('slow'), { msgId: 'working' });
      await waitFor(() => got.length >= 1);
      await settled(sub);
      expect(got).toEqual([1]);
      await sub.drain();
    });

    it('maxDeliver stops delivery; the last delivery carries deliveryCount = maxDeliver', async () => {
      const counts: number[] = [];
      const marker: string[] = [];
      const sub = await t.consume(spec({ maxDeliver: 3 }), async (d) => {
        if (d.msgId === 'poison') {
          counts.push(d.deliveryCount);
          d.nak(0);
        } else {
          marker.push(d.msgId);
          await d.ack();
        }
      });
      await t.publish(subject, bytes('p'), { msgId: 'poison' });
      await waitFor(() => counts.length === 3);
      // Redeliveries go before new messages: had a fourth delivery been due, it would come before the marker.
      await t.publish(subject, bytes('after'), { msgId: 'marker' });
      await waitFor(() => marker.length === 1);
      await settled(sub);
      expect(counts).toEqual([1, 2, 3]);
      await sub.drain();
    });

    it('maxDeliver also bounds redeliveries after ack-wait expiry', async () => {
      const counts: number[] = [];
      const sub = await t.consume(spec({ maxDeliver: 2, ackWaitMs: 400 }), async (d) => {
        counts.push(d.deliveryCount);
      });
      await t.publish(subject, bytes('p'), { msgId: 'never-acked' });
      await waitFor(() => counts.length === 2, 10_000);
      // Out of deliveries, it leaves ack-pending without a third delivery.
      await settled(sub);
      expect(counts).toEqual([1, 2]);
      await sub.drain();
    });

    it('never hands one consume call more than `concurrency` deliveries at once', async () => {
      const open = gate();
      let current = 0;
      let max = 0;
      let done = 0;
      const sub = await t.consume(spec({ concurrency: 3 }), async (d) => {
        current++;
        max = Math.max(max, current);
        await open.promise;
        current--;
        done++;
        await d.ack();
      });
      await publishN(10);
      await waitFor(() => current === 3);
      const held = await sub.info();
      expect(held.ackPending).toBe(3);
      expect(held.pending).toBe(7);
      open.resolve();
      await waitFor(() => done === 10);
      expect(max).toBe(3);
      await settled(sub);
      await sub.drain();
    });

    it('holds at most `maxAckPending` unacked deliveries across the consumers of one durable', async () => {
      const open = gate();
      let current = 0;
      let max = 0;
      let done = 0;
      const handler = async (d: Delivery): Promise<void> => {
        current++;
        max = Math.max(max, current);
        await open.promise;
        current--;
        done++;
        await d.ack();
      };
      // Two replicas with room for 4 each, but the durable allows 5 unacked: a slow actor queues, never drowns.
      const a = await t.consume(spec({ concurrency: 4, maxAckPending: 5 }), handler);
      const b = await t.consume(spec({ concurrency: 4, maxAckPending: 5 }), handler);
      await publishN(12);
      await waitFor(() => current === 5);
      const held = await a.info();
      expect(held.ackPending).toBe(5);
      expect(held.pending).toBe(7);
      open.resolve();
      await waitFor(() => done === 12);
      expect(max).toBe(5);
      await settled(a);
      await a.drain();
      await b.drain();
    });

    it('drain waits for the handlers in flight and takes no new deliveries', async () => {
      const open = gate();
      const events: string[] = [];
      let calls = 0;
      const sub = await t.consume(spec({ concurrency: 2 }), async (d) => {
        calls++;
        events.push(`start ${d.msgId}`);
        await open.promise;
        await d.ack();
        events.push(`acked ${d.msgId}`);
      });
      await t.publish(subject, bytes('1'), { msgId: 'inflight' });
      await waitFor(() => calls === 1);
      const drained = sub.drain().then(() => events.push('drained'));
      // Give a drain that does not wait every chance to resolve first: a server round trip and a few loop turns.
      await sub.info();
      await turns(5);
      expect(events).toEqual(['start inflight']);
      open.resolve();
      await drained;
      expect(events).toEqual(['start inflight', 'acked inflight', 'drained']);
      // A new replica takes what is published after the drain; the drained handler sees nothing more.
      const later: string[] = [];
      const next = await t.consume(spec(), async (d) => {
        later.push(d.msgId);
        await d.ack();
      });
      await t.publish(subject, bytes('2'), { msgId: 'after-drain' });
      await waitFor(() => later.includes('after-drain'));
      expect(calls).toBe(1);
      await next.drain();
    });

    it('request/serve: one server of the queue group answers each request', async () => {
      const calls = [0, 0];
      const serveAs = (i: 0 | 1) => async (data: Uint8Array) => {
        calls[i]!++;
        return bytes(text(data).toUpperCase());
      };
      const s1 = await t.serve(names.ragSearch, serveAs(0), 'rag');
      const s2 = await t.serve(names.ragSearch, serveAs(1), 'rag');
      for (let i = 0; i < 6; i++) {
        expect(text(await t.request(names.ragSearch, bytes(`q${i}`), 2_000))).toBe(`Q${i}`);
      }
      expect(calls[0]! + calls[1]!).toBe(6);
      await s1.drain();
      await s2.drain();
    });

    it('request rejects with TransportTimeoutError when the server does not answer in time', async () => {
      const open = gate();
      const s = await t.serve(
        names.ragSearch,
        async () => {
          await open.promise;
          return bytes('late');
        },
        'rag',
      );
      const started = Date.now();
      await expect(t.request(names.ragSearch, bytes('q'), 300)).rejects.toBeInstanceOf(TransportTimeoutError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      open.resolve();
      await s.drain();
    });

    it('request rejects with TransportNoRespondersError when nobody serves, and TransportRemoteError when the handler throws', async () => {
      await expect(t.request(names.ragGround, bytes('q'), 2_000)).rejects.toBeInstanceOf(TransportNoRespondersError);
      const s = await t.serve(
        names.ragGround,
        async () => {
          throw new Error('index not loaded');
        },
        'rag',
      );
      const err = await t.request(names.ragGround, bytes('q'), 2_000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportRemoteError);
      expect((err as Error).message).toContain('index not loaded');
      await s.drain();
    });

    it('tap sees published messages on matching subjects only (NATS wildcards)', async () => {
      const tapped: TapMessage[] = [];
      const tap = await t.tap(`${names.prefix}.v1.news.*`, (m) => tapped.push(m));
      const all: string[] = [];
      const everything = await t.tap(names.streamSubjects, (m) => all.push(m.subject));
      await t.publish(names.subject(Topic.signalDrafted), bytes('not news'), { msgId: 's1' });
      await t.publish(subject, bytes('news'), { msgId: 'n1', headers: { 'X-K': 'v' } });
      await waitFor(() => tapped.length >= 1 && all.length >= 2);
      expect(tapped).toHaveLength(1);
      expect(tapped[0]!.subject).toBe(subject);
      expect(text(tapped[0]!.data)).toBe('news');
      expect(tapped[0]!.msgId).toBe('n1');
      expect(tapped[0]!.headers['X-K']).toBe('v');
      expect(all).toEqual([names.subject(Topic.signalDrafted), subject]);
      await tap.drain();
      await everything.drain();
    });

    it('readStored replays a subject in order and stops at what was stored at call time', async () => {
      const other = names.subject(Topic.newsAccepted);
      for (let i = 0; i < 5; i++) {
        await t.publish(subject, bytes(`s${i}`), { msgId: `s${i}`, headers: { 'X-I': String(i) } });
        await t.publish(other, bytes(`o${i}`), { msgId: `o${i}` });
      }
      const got: TapMessage[] = [];
      const n = await t.readStored(subject, (m) => got.push(m));
      expect(n).toBe(5);
      expect(got.map((m) => text(m.data))).toEqual(['s0', 's1', 's2', 's3', 's4']);
      expect(got.map((m) => m.msgId)).toEqual(['s0', 's1', 's2', 's3', 's4']);
      expect(got[3]!.headers['X-I']).toBe('3');
      expect(await t.readStored(names.subject(Topic.outcome), () => undefined)).toBe(0);
      const both: string[] = [];
      expect(await t.readStored(`${names.prefix}.v1.news.*`, (m) => both.push(text(m.data)))).toBe(10);
      expect(both.slice(0, 4)).toEqual(['s0', 'o0', 's1', 'o1']);
    });
  });
}
