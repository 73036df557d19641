import { describe, expect, it } from 'vitest';
import type { Rejection, TradingSignal } from '@himari/contracts';
import { LineMatcher, type Resolution } from './line-matcher.ts';

// The matcher reads only these fields; the rest of the messages does not matter here.
const signal = (id: string, tag: string): TradingSignal => ({ id, reasoning: tag }) as TradingSignal;
const rejection = (msgId: string, code: string, newsId?: string): Rejection =>
  ({ msg_id: msgId, code, stage: 'ingestor', reason: code, ...(newsId !== undefined ? { news_id: newsId } : {}) }) as Rejection;
const lineOf = (n: number, id?: string) => ({ n, id, msgId: `m${n}` });
const summary = (rs: Resolution[]): string[] =>
  rs.map((r) => (r.kind === 'signal' ? `${r.line.n}:signal:${r.signal.reasoning}` : `${r.line.n}:${r.rejection.code}`));

describe('LineMatcher', () => {
  it('gives a signal to the only line of its id, and a dead letter to its own line', () => {
    const m = new LineMatcher();
    m.add(lineOf(1, 'a'));
    m.add(lineOf(2, 'b'));
    m.add(lineOf(3));
    expect(summary(m.onSignal(signal('a', 'x')))).toEqual(['1:signal:x']);
    expect(summary(m.onReject(rejection('m3', 'not_json')))).toEqual(['3:not_json']);
    expect(summary(m.onSignal(signal('zzz', 'other run')))).toEqual([]);
    expect(m.pending().map((l) => l.n)).toEqual([2]);
  });

  it('two lines, one id, the second accepted and its signal first: the signal waits for the refusal of the first', () => {
    const m = new LineMatcher();
    m.add(lineOf(1, 'a'));
    m.add(lineOf(2, 'a'));
    expect(m.onSignal(signal('a', 'from line 2'))).toEqual([]);
    expect(summary(m.onReject(rejection('m1', 'duplicate_id')))).toEqual(['1:duplicate_id', '2:signal:from line 2']);
    expect(m.size).toBe(0);
  });

  it('the usual order (refusal first) needs no waiting', () => {
    const m = new LineMatcher();
    m.add(lineOf(1, 'a'));
    m.add(lineOf(2, 'a'));
    expect(summary(m.onReject(rejection('m2', 'duplicate_id')))).toEqual(['2:duplicate_id']);
    expect(summary(m.onSignal(signal('a', 'from line 1')))).toEqual(['1:signal:from line 1']);
  });

  it('one signal per line when every line of an id was accepted (the de-duplication window had passed)', () => {
    const m = new LineMatcher();
    m.add(lineOf(1, 'a'));
    m.add(lineOf(2, 'a'));
    expect(m.onSignal(signal('a', 'first'))).toEqual([]);
    expect(summary(m.onSignal(signal('a', 'second')))).toEqual(['1:signal:first', '2:signal:second']);
  });

  it('a later stage dead-letters by news id; at the end held signals go to their remaining lines', () => {
    const m = new LineMatcher();
    m.add(lineOf(1, 'a'));
    m.add(lineOf(2, 'b'));
    m.add(lineOf(3, 'b'));
    expect(summary(m.onReject(rejection('classified:a', 'model_failed', 'a')))).toEqual(['1:model_failed']);
    expect(m.onSignal(signal('b', 'held'))).toEqual([]);
    expect(summary(m.flush())).toEqual(['2:signal:held']);
    expect(m.pending().map((l) => l.n)).toEqual([3]);
  });
});
