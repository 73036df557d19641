import { ConfigSchema } from '@himari/config';
import { makeSignal } from '@himari/signal-store/testing';
import { describe, expect, it } from 'vitest';
import { guardSignal } from './signal-guards.ts';

const NOW = Date.parse('2026-12-06T06:00:00.000Z');
const cfg = (over: object = {}) => ConfigSchema.parse({ signals: over }).signals;
const at = (hoursAgo: number): string => new Date(NOW - hoursAgo * 3600_000).toISOString();

describe('guardSignal: the cache writer’s last guards', () => {
  it('caps every item flagged possible_prompt_injection, whatever scored it', () => {
    for (const generator of ['lexicon', 'trained', 'onnx', 'upstream', 'llm'] as const) {
      const s = makeSignal({
        direction: 1,
        confidence: 0.85,
        flags: ['possible_prompt_injection'],
        published_at: at(0),
        provenance: { ...makeSignal().provenance, generator },
      });
      const out = guardSignal(s, NOW, cfg());
      expect(out).toMatchObject({ kind: 'write', signal: { confidence: 0.3, flags: ['possible_prompt_injection', 'injection_capped'] } });
    }
    const low = makeSignal({ confidence: 0.2, flags: ['possible_prompt_injection'], published_at: at(0) });
    expect(guardSignal(low, NOW, cfg())).toEqual({ kind: 'write', signal: low });
  });

  it('leaves fresh news alone, and decays news older than max_age_s by its half-life beyond it', () => {
    const fresh = makeSignal({ confidence: 0.8, published_at: at(3.9) });
    expect(guardSignal(fresh, NOW, cfg())).toEqual({ kind: 'write', signal: fresh });
    const out = guardSignal(makeSignal({ confidence: 0.8, published_at: at(6) }), NOW, cfg());
    expect(out.kind === 'write' && out.signal.confidence).toBeCloseTo(0.8 * 0.25, 12);
    expect(out.kind === 'write' && out.signal.flags).toEqual(['stale_news']);
    // A 2015 item replayed today carries no confidence the decision loop could mistake for fresh.
    const old = guardSignal(makeSignal({ confidence: 0.9, published_at: '2015-03-01T12:00:00.000Z' }), NOW, cfg());
    expect(old.kind === 'write' && old.signal.confidence).toBe(0);
  });

  it('rejects stale news with a reason under policy reject, and passes it under off', () => {
    const s = makeSignal({ published_at: at(5) });
    expect(guardSignal(s, NOW, cfg({ stale_news: { policy: 'reject' } }))).toMatchObject({
      kind: 'reject',
      code: 'stale_news',
      reason: expect.stringMatching(/18000 s ago: older than signals.stale_news.max_age_s 14400 s/),
    });
    expect(guardSignal(s, NOW, cfg({ stale_news: { policy: 'off' } }))).toEqual({ kind: 'write', signal: s });
  });
});
