import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryTransport, type MemoryTransport } from '@himari/bus';
import { waitFor } from '@himari/bus/testing';
import { busNames, decodeAs, decodeRaw, encode, NewsItem, Rejection, ReplayHeader, Stage, Topic } from '@himari/contracts';
import { silentLogger } from '@himari/observability';
import { ActorRunner } from './runner.ts';
import type { ActorDefinition, HandlerOutcome, InputBinding } from './types.ts';

const names = busNames('trt');
let transport: MemoryTransport;
let runner: ActorRunner | undefined;

afterEach(async () => {
  await runner?.stop();
  await transport?.close();
  runner = undefined;
});

const news = (id: string): NewsItem => ({
  v: 1,
  id,
  text: 'Apple beats estimates',
  asset: 'AAPL',
  source: 'test',
  kind: 'news',
  published_at: '2026-01-01T00:00:00.000Z',
  received_at: 1,
  truncated: false,
  original_chars: 21,
  flags: [],
});

/** An actor that republishes news.raw NewsItems on news.accepted, with the handler supplied by the test. */
function actor(handle: InputBinding<NewsItem>['handle']): ActorDefinition {
  return { stage: Stage.ingestor, inputs: [{ topic: Topic.newsRaw, decode: (b) => decodeAs(NewsItem, b), handle }] };
}

async function start(def: ActorDefinition, maxDeliver = 3, maxMessageBytes?: number): Promise<ActorRunner> {
  transport = createMemoryTransport({ duplicateWindowMs: 60_000 });
  runner = new ActorRunner(transport, def, {
    names,
    ...(maxMessageBytes !== undefined ? { maxMessageBytes } : {}),
    retry: { maxDeliver, backoffMs: [10, 20], ackWaitMs: 5_000 },
    concurrency: 4,
    drainTimeoutMs: 2_000,
    log: silentLogger(),
  });
  await runner.start();
  return runner;
}

async function collect(subject: string): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  await transport.readStored(subject, (m) => out.push(m.data));
  return out;
}

const publishOk = (n: NewsItem): HandlerOutcome => ({
  kind: 'publish',
  outputs: [{ topic: Topic.newsAccepted, message: n, msgId: `accepted:${n.id}` }],
});

describe('ActorRunner', () => {
  it('publishes the handler output and acks', async () => {
    const r = await start(actor(async (n) => publishOk(n)));
    await transport.publish(names.subject(Topic.newsRaw), encode(news('a')), { msgId: 'raw-a' });
    await waitFor(async () => (await collect(names.subject(Topic.newsAccepted))).length === 1, 2000);
    expect(decodeAs(NewsItem, (await collect(names.subject(Topic.newsAccepted)))[0]!).id).toBe('a');
    await waitFor(async () => (await r.metrics.processed.get()).values[0]?.value === 1, 2000);
  });

  it('dead-letters undecodable input with the original bytes and the reason, without calling the handler', async () => {
    let calls = 0;
    await start(actor(async (n) => (calls++, publishOk(n))));
    const junk = new Uint8Array([0xc1, 0xff, 0x00]);
    await transport.publish(names.subject(Topic.newsRaw), junk, { msgId: 'raw-junk' });
    await transport.publish(names.subject(Topic.newsRaw), encode({ v: 1, id: 'x' }), { msgId: 'raw-partial' });
    await waitFor(async () => (await collect(names.deadLetter(Stage.ingestor))).length === 2, 2000);
    const dl = (await collect(names.deadLetter(Stage.ingestor))).map((b) => decodeAs(Rejection, b));
    expect(dl.map((d) => d.msg_id).sort()).toEqual(['raw-junk', 'raw-partial']);
    expect(Buffer.from(dl.find((d) => d.msg_id === 'raw-junk')!.payload)).toEqual(Buffer.from(junk));
    expect(dl.find((d) => d.msg_id === 'raw-partial')!.reason).toMatch(/text/);
    expect(calls).toBe(0);
  });

  it('a replayed item that fails again keeps its replay headers on its next dead letter; others carry none', async () => {
    await start(actor(async (n) => ({ kind: 'reject', code: 'poison', reason: `no ${n.id}` })));
    const history = { [ReplayHeader.count]: '2', [ReplayHeader.previous]: '4,9', [ReplayHeader.firstSeen]: '1700000000000' };
    await transport.publish(names.subject(Topic.newsRaw), encode(news('a')), {
      msgId: 'replay:x:9:1',
      headers: { ...history, Other: 'x' },
    });
    await transport.publish(names.subject(Topic.newsRaw), encode(news('b')), { msgId: 'raw-b' });
    const stored: { msgId: string; headers: Readonly<Record<string, string>> }[] = [];
    await waitFor(async () => {
      stored.length = 0;
      await transport.readStored(names.deadLetter(Stage.ingestor), (m) => stored.push(m));
      return stored.length === 2;
    }, 2000);
    expect(stored.find((m) => m.msgId === 'dlq:ingestor:replay:x:9:1')!.headers).toEqual(history);
    expect(stored.find((m) => m.msgId === 'dlq:ingestor:raw-b')!.headers).toEqual({});
  });

  it('retries a retryable failure with backoff and succeeds without a duplicate output', async () => {
    let calls = 0;
    await start(
      actor(async (n, ctx) => {
        calls++;
        if (ctx.deliveryCount < 3) throw Object.assign(new Error('model busy'), { retryable: true });
        return publishOk(n);
      }),
    );
    await transport.publish(names.subject(Topic.newsRaw), encode(news('r')), { msgId: 'raw-r' });
    await waitFor(async () => (await collect(names.subject(Topic.newsAccepted))).length === 1, 3000);
    expect(calls).toBe(3);
  });

  it('treats a handler that throws before returning a promise like one that rejects', async () => {
    await start(
      actor(() => {
        throw Object.assign(new Error('bad input shape'), { retryable: false, code: 'bad_shape' });
      }),
    );
    await transport.publish(names.subject(Topic.newsRaw), encode(news('s')), { msgId: 'raw-s' });
    await waitFor(async () => (await collect(names.deadLetter(Stage.ingestor))).length === 1, 3000);
    expect(decodeAs(Rejection, (await collect(names.deadLetter(Stage.ingestor)))[0]!).code).toBe('bad_shape');
  });

  it('publishes and acks each item of a batch when its own handler is done: a slow one holds back nobody', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    transport = createMemoryTransport({ duplicateWindowMs: 60_000 });
    await transport.ensureStream();
    for (const id of ['slow', 'a', 'b', 'c'])
      await transport.publish(names.subject(Topic.newsRaw), encode(news(id)), { msgId: `raw-${id}` });
    runner = new ActorRunner(
      transport,
      actor(async (n) => (n.id === 'slow' ? gate.then(() => publishOk(n)) : publishOk(n))),
      {
        names,
        retry: { maxDeliver: 3, backoffMs: [10], ackWaitMs: 5_000 },
        concurrency: 8,
        batchSize: 8,
        drainTimeoutMs: 2_000,
        log: silentLogger(),
      },
    );
    await runner.start();
    await waitFor(async () => (await collect(names.subject(Topic.newsAccepted))).length === 3, 2000);
    release();
    await waitFor(async () => (await collect(names.subject(Topic.newsAccepted))).length === 4, 2000);
  });

  it('dead-letters after max deliveries with the last error', async () => {
    await start(
      actor(async () => {
        throw new Error('always down');
      }),
      2,
    );
    await transport.publish(names.subject(Topic.newsRaw), encode(news('d')), { msgId: 'raw-d' });
    await waitFor(async () => (await collect(names.deadLetter(Stage.ingestor))).length === 1, 3000);
    const r = decodeAs(Rejection, (await collect(names.deadLetter(Stage.ingestor)))[0]!);
    expect(r.code).toBe('max_deliveries');
    expect(r.reason).toMatch(/always down/);
    expect(r.delivery_count).toBe(2);
  });

  it('dead-letters a non-retryable error at once, and a handler rejection with its code', async () => {
    await start(
      actor(async (n) => {
        if (n.id === 'poison') throw Object.assign(new Error('cannot ever work'), { retryable: false, code: 'poison' });
        return { kind: 'reject', code: 'duplicate_id', reason: 'seen before', newsId: n.id };
      }),
    );
    await transport.publish(names.subject(Topic.newsRaw), encode(news('poison')), { msgId: 'raw-p' });
    await transport.publish(names.subject(Topic.newsRaw), encode(news('dup')), { msgId: 'raw-dup' });
    await waitFor(async () => (await collect(names.deadLetter(Stage.ingestor))).length === 2, 2000);
    const dl = (await collect(names.deadLetter(Stage.ingestor))).map((b) => decodeAs(Rejection, b));
    const byId = new Map(dl.map((d) => [d.msg_id, d]));
    expect(byId.get('raw-p')!.code).toBe('poison');
    expect(byId.get('raw-p')!.delivery_count).toBe(1);
    expect(byId.get('raw-dup')!.code).toBe('duplicate_id');
    expect(byId.get('raw-dup')!.news_id).toBe('dup');
  });

  it('refuses to publish an output that breaks its schema (our bug) and dead-letters the input at once', async () => {
    await start(
      actor(async (n) => ({
        kind: 'publish',
        outputs: [{ topic: Topic.newsAccepted, message: { ...n, asset: 'bad asset\n' }, msgId: 'x' }],
      })),
      2,
    );
    await transport.publish(names.subject(Topic.newsRaw), encode(news('s')), { msgId: 'raw-s' });
    await waitFor(async () => (await collect(names.deadLetter(Stage.ingestor))).length === 1, 3000);
    expect(await collect(names.subject(Topic.newsAccepted))).toHaveLength(0);
    const raw = decodeRaw((await collect(names.deadLetter(Stage.ingestor)))[0]!) as { code: string };
    expect(raw.code).toBe('invalid_output');
  });

  it('hands a pulled batch to the batch handler in one call, in order, and publishes every output before acking', async () => {
    const sizes: number[] = [];
    const seen: string[] = [];
    const def: ActorDefinition = {
      stage: Stage.ingestor,
      inputs: [
        {
          topic: Topic.newsRaw,
          decode: (b) => decodeAs(NewsItem, b),
          handle: async () => {
            throw new Error('the batch handler should be used');
          },
          ordered: true,
          async handleBatch(items: NewsItem[]) {
            sizes.push(items.length);
            seen.push(...items.map((n) => n.id));
            return items.map((n) => (n.id === 'bad' ? { kind: 'reject' as const, code: 'bad', reason: 'test' } : publishOk(n)));
          },
        },
      ],
    };
    // Published before the actor starts, so that the first pull finds them all.
    transport = createMemoryTransport({ duplicateWindowMs: 60_000 });
    const ids = ['a', 'b', 'bad', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    await transport.ensureStream();
    for (const id of ids) await transport.publish(names.subject(Topic.newsRaw), encode(news(id)), { msgId: `raw-${id}` });
    runner = new ActorRunner(transport, def, {
      names,
      retry: { maxDeliver: 3, backoffMs: [10], ackWaitMs: 5_000 },
      concurrency: 8,
      batchSize: 4,
      drainTimeoutMs: 2_000,
      log: silentLogger(),
    });
    await runner.start();
    await waitFor(async () => (await collect(names.subject(Topic.newsAccepted))).length === 9, 2000);
    expect(seen).toEqual(ids);
    expect(sizes[0]).toBe(4);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect((await collect(names.deadLetter(Stage.ingestor))).map((b) => decodeAs(Rejection, b).msg_id)).toEqual(['raw-bad']);
    await waitFor(async () => (await runner!.metrics.processed.get()).values[0]?.value === 9, 2000);
  });
});

describe('size before decoding', () => {
  it('dead-letters an oversized input unread, with a bounded payload, its length and sha256', async () => {
    let decoded = 0;
    const def: ActorDefinition = {
      stage: Stage.ingestor,
      inputs: [
        {
          topic: Topic.newsRaw,
          decode: (b) => {
            decoded++;
            return decodeAs(NewsItem, b);
          },
          handle: async (n: NewsItem) => publishOk(n),
        },
      ],
    };
    await start(def, 3, 100_000);
    const big = new Uint8Array(200_000).fill(0x61);
    await transport.publish(names.subject(Topic.newsRaw), big, { msgId: 'big-1' });
    await waitFor(async () => (await collect(names.deadLetter(Stage.ingestor))).length === 1);
    const [dl] = await collect(names.deadLetter(Stage.ingestor));
    const r = decodeAs(Rejection, dl!);
    expect(decoded).toBe(0);
    expect(r.code).toBe('too_large');
    expect(r.payload.length).toBe(64 * 1024);
    expect(r.payload_bytes).toBe(200_000);
    expect(r.payload_truncated).toBe(true);
    expect(r.payload_sha256).toBe(createHash('sha256').update(big).digest('hex'));
    expect(dl!.length).toBeLessThan(70_000);
  });
});
