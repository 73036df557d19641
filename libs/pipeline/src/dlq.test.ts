import { describe, expect, it } from 'vitest';
import { subjectMatches, type PublishOptions, type StoredMessage, type StreamBrowser } from '@himari/bus';
import { busNames, decodeAs, DeadLetterReplay, encode, ReplayHeader, Stage, Topic, type Rejection } from '@himari/contracts';
import {
  DeadLetterError,
  DeadLetterQueue,
  describePayload,
  entryJson,
  formatTable,
  matchesFilter,
  parseIds,
  parseSince,
  toEntry,
  type DeadLetterEntry,
} from './dlq.ts';

const names = busNames('tdlq');
const T0 = Date.parse('2026-12-06T07:00:00Z');

/** A stream in an array: enough of JetStream's by-sequence access for the queue's logic. */
class FakeBrowser implements StreamBrowser {
  readonly messages: StoredMessage[] = [];
  private readonly ids = new Set<string>();
  private seq = 0;

  async list(subject: string): Promise<StoredMessage[]> {
    return this.messages.filter((m) => subjectMatches(subject, m.subject));
  }
  async get(seq: number): Promise<StoredMessage | undefined> {
    return this.messages.find((m) => m.seq === seq);
  }
  async remove(seq: number): Promise<boolean> {
    const i = this.messages.findIndex((m) => m.seq === seq);
    if (i < 0) return false;
    this.messages.splice(i, 1);
    return true;
  }
  async publish(subject: string, data: Uint8Array, opts: PublishOptions): Promise<{ duplicate: boolean; seq: number }> {
    if (this.ids.has(opts.msgId)) return { duplicate: true, seq: 0 };
    this.ids.add(opts.msgId);
    this.seq += 1;
    this.messages.push({ seq: this.seq, subject, timestampMs: T0, msgId: opts.msgId, headers: opts.headers ?? {}, data });
    return { duplicate: false, seq: this.seq };
  }
  async close(): Promise<void> {}
}

function rejection(over: Partial<Rejection> = {}): Rejection {
  return {
    v: 1,
    stage: Stage.ingestor,
    code: 'too_large',
    reason: 'the message is 900 bytes, over the limit of 256',
    msg_id: 'raw-1',
    subject: names.subject(Topic.newsRaw),
    delivery_count: 1,
    payload: Buffer.from('{"id":"n1","text":"x","asset":"BTC"}'),
    at: T0,
    ...over,
  };
}

async function deadLetter(b: FakeBrowser, r: Rejection, headers: Record<string, string> = {}): Promise<number> {
  return (await b.publish(names.deadLetter(r.stage as Stage), encode(r), { msgId: `dlq:${r.msg_id}`, headers })).seq;
}

describe('dead-letter entries', () => {
  it('reads history headers into replay count, earlier ids and first seen', () => {
    const e = toEntry(
      {
        seq: 12,
        subject: names.deadLetter(Stage.ingestor),
        timestampMs: T0,
        msgId: 'x',
        headers: { [ReplayHeader.count]: '2', [ReplayHeader.previous]: '3,9', [ReplayHeader.firstSeen]: String(T0 - 5000) },
        data: encode(rejection({ news_id: 'n1' })),
      },
      1,
    );
    expect(e).toMatchObject({
      id: 12,
      replay_count: 2,
      previous: [3, 9],
      first_seen_ms: T0 - 5000,
      last_seen_ms: T0,
      replays: 1,
      news_id: 'n1',
    });
    expect(entryJson(e)).toMatchObject({ first_seen: '2026-12-06T06:59:55.000Z', last_seen: '2026-12-06T07:00:00.000Z', previous: [3, 9] });
  });

  it('refuses a message that is not a dead letter, naming its sequence', () => {
    const m = { seq: 4, subject: names.deadLetter(Stage.ingestor), timestampMs: T0, msgId: '', headers: {}, data: encode({ v: 2 }) };
    expect(() => toEntry(m, 0)).toThrow(/message 4 .* not a dead letter/);
  });

  it('filters by stage, code, since and ids, all of them together', () => {
    const e = { id: 5, stage: Stage.calibrator, code: 'max_deliveries', last_seen_ms: T0 } as DeadLetterEntry;
    expect(matchesFilter(e, {})).toBe(true);
    expect(matchesFilter(e, { stage: Stage.calibrator, code: 'max_deliveries', sinceMs: T0, ids: [5] })).toBe(true);
    expect(matchesFilter(e, { stage: Stage.ingestor })).toBe(false);
    expect(matchesFilter(e, { code: 'too_large' })).toBe(false);
    expect(matchesFilter(e, { sinceMs: T0 + 1 })).toBe(false);
    expect(matchesFilter(e, { ids: [4, 6] })).toBe(false);
  });

  it('parses --since as a duration back from now or an ISO time, and refuses anything else', () => {
    expect(parseSince('90s', T0)).toBe(T0 - 90_000);
    expect(parseSince('15m', T0)).toBe(T0 - 900_000);
    expect(parseSince('2h', T0)).toBe(T0 - 7_200_000);
    expect(parseSince('7d', T0)).toBe(T0 - 7 * 86_400_000);
    expect(parseSince('2026-12-06T06:00:00Z', T0)).toBe(T0 - 3_600_000);
    for (const bad of ['yesterday', '15', '-5m', '12/06/2026']) expect(() => parseSince(bad, T0)).toThrow(DeadLetterError);
  });

  it('parses --ids given once with commas or several times', () => {
    expect(parseIds(['3,7', '9'])).toEqual([3, 7, 9]);
    expect(() => parseIds(['3,x'])).toThrow(/"x"/);
    expect(() => parseIds(['0'])).toThrow(DeadLetterError);
  });

  it('decodes an original as JSON text, msgpack, text or hex', () => {
    expect(describePayload(Buffer.from('{"id":"a"}'))).toEqual({ json: { id: 'a' } });
    expect(describePayload(encode({ id: 'b', n: 1 }))).toEqual({ msgpack: { id: 'b', n: 1 } });
    expect(describePayload(Buffer.from('{not json'))).toEqual({ text: '{not json' });
    expect(describePayload(new Uint8Array([0xc1, 0xff]))).toEqual({ hex: 'c1ff' });
  });

  it('formats a table that fits the terminal, reasons on one line and cut with an ellipsis', () => {
    const e = toEntry(
      {
        seq: 7,
        subject: names.deadLetter(Stage.ingestor),
        timestampMs: T0,
        msgId: '',
        headers: {},
        data: encode(rejection({ reason: `line one\nline two ${'x'.repeat(300)}`, news_id: 'n1' })),
      },
      0,
    );
    const out = formatTable([e], 120).split('\n');
    expect(out[0]).toMatch(/^ID\s+STAGE\s+CODE\s+NEWS ID\s+DELIV\s+REPLAYS\s+FIRST SEEN\s+LAST SEEN\s+REASON$/);
    expect(out[1]).toMatch(/^7\s+ingestor\s+too_large\s+n1\s+1\s+0\s+2026-12-06 07:00:00\s+2026-12-06 07:00:00\s+line one line two x+…$/);
    expect(out[1]!.length).toBeLessThanOrEqual(120);
    expect(out[2]).toBe('1 dead letter');
    expect(formatTable([], 80)).toMatch(/\n0 dead letters\n$/);
  });
});

describe('DeadLetterQueue', () => {
  it('replays to the input subject with a fresh id and history headers, and records the replay', async () => {
    const b = new FakeBrowser();
    const id = await deadLetter(b, rejection({ news_id: 'n1' }));
    const dlq = new DeadLetterQueue(b, names, () => T0 + 1);
    const [r] = await dlq.replay({ stage: Stage.ingestor });
    expect(r).toEqual({
      id,
      stage: Stage.ingestor,
      news_id: 'n1',
      subject: names.subject(Topic.newsRaw),
      msg_id: `replay:tdlq:${id}:1`,
      replay_count: 1,
      status: 'replayed',
    });
    const sent = (await b.list(names.subject(Topic.newsRaw)))[0]!;
    expect(Buffer.from(sent.data).toString()).toBe('{"id":"n1","text":"x","asset":"BTC"}');
    expect(sent.headers).toEqual({ [ReplayHeader.count]: '1', [ReplayHeader.previous]: String(id), [ReplayHeader.firstSeen]: String(T0) });
    const records = (await b.list(names.replayedAll)).map((m) => decodeAs(DeadLetterReplay, m.data));
    expect(records).toEqual([
      { v: 1, stage: Stage.ingestor, dlq_seq: id, subject: sent.subject, msg_id: r!.msg_id, replay_count: 1, news_id: 'n1', at: T0 + 1 },
    ]);
    expect((await dlq.list())[0]!.replays).toBe(1);
  });

  it('skips what was replayed before unless asked again; a dry run publishes nothing', async () => {
    const b = new FakeBrowser();
    const id = await deadLetter(b, rejection());
    const dlq = new DeadLetterQueue(b, names);
    expect((await dlq.replay({ dryRun: true }))[0]!.status).toBe('dry-run');
    expect(await b.list(names.subject(Topic.newsRaw))).toHaveLength(0);
    await dlq.replay();
    expect((await dlq.replay())[0]!.status).toBe('skipped');
    const again = await dlq.replay({ again: true });
    expect(again[0]).toMatchObject({ id, status: 'replayed', msg_id: `replay:tdlq:${id}:2` });
    expect(await b.list(names.subject(Topic.newsRaw))).toHaveLength(2);
  });

  it('carries the history forward when a replayed item is replayed again', async () => {
    const b = new FakeBrowser();
    const id = await deadLetter(b, rejection({ msg_id: 'replay:tdlq:2:1' }), {
      [ReplayHeader.count]: '1',
      [ReplayHeader.previous]: '2',
      [ReplayHeader.firstSeen]: String(T0 - 60_000),
    });
    await new DeadLetterQueue(b, names).replay({ ids: [id] });
    const sent = (await b.list(names.subject(Topic.newsRaw)))[0]!;
    expect(sent.headers).toEqual({
      [ReplayHeader.count]: '2',
      [ReplayHeader.previous]: `2,${id}`,
      [ReplayHeader.firstSeen]: String(T0 - 60_000),
    });
  });

  it('refuses to replay a dead letter whose subject is not an input topic of this deployment', async () => {
    const b = new FakeBrowser();
    await deadLetter(b, rejection({ subject: 'other.v1.news.raw' }));
    await expect(new DeadLetterQueue(b, names).replay()).rejects.toThrow(/not an input topic of tdlq/);
    const c = new FakeBrowser();
    await deadLetter(c, rejection({ subject: names.deadLetter(Stage.calibrator) }));
    await expect(new DeadLetterQueue(c, names).replay()).rejects.toThrow(DeadLetterError);
  });

  it('purges only what matches, and show finds only dead letters', async () => {
    const b = new FakeBrowser();
    const a = await deadLetter(b, rejection({ msg_id: 'a' }));
    const c = await deadLetter(b, rejection({ msg_id: 'c', code: 'invalid_json' }));
    const dlq = new DeadLetterQueue(b, names);
    await dlq.replay({ ids: [a] });
    expect(await dlq.purge({ code: 'invalid_json' })).toEqual([c]);
    expect((await dlq.list()).map((e) => e.id)).toEqual([a]);
    expect((await dlq.show(a))!.replays).toBe(1);
    const replayedSeq = (await b.list(names.subject(Topic.newsRaw)))[0]!.seq;
    expect(await dlq.show(replayedSeq)).toBeUndefined();
    expect(await dlq.show(c)).toBeUndefined();
  });
});
