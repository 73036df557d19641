import { describe, expect, it } from 'vitest';
import { jsonSchemaToGbnf } from '@himari/llm';
import { chainOutputSchema, FACTOR_NAMES, parseChain } from './chain.ts';
import { chainAnswer } from './testing.ts';

describe('chain schema', () => {
  it('puts the five steps first, then the factors, then the signal fields, all required', () => {
    const s = chainOutputSchema({ maxStepChars: 100, maxReasoningChars: 200 }).jsonSchema as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(Object.keys(s.properties).slice(0, 5)).toEqual(['steps', 'factors', 'sentiment', 'confidence', 'direction']);
    expect(s.required).toContain('steps');
    const g = jsonSchemaToGbnf(s);
    expect(g).toContain('\\"key_information\\":');
    expect(g).toContain('\\"uncertainty\\":');
  });
});

describe('parseChain', () => {
  it('reads the conclusion through J6 and the steps and factors beside it', () => {
    const r = parseChain(chainAnswer({ direction: 'SELL', confidence: 0.7, factors: { surprise: -0.9 } }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ direction: 'SELL', confidence: 0.7 });
    expect(r.steps.map((s) => s.key)).toEqual(['key_information', 'sentiment', 'market_context', 'impact', 'conclusion']);
    expect(r.factors.surprise).toBe(-0.9);
    expect(r.complete).toBe(true);
  });

  it('still reads a conclusion without steps, and says the chain is incomplete', () => {
    const r = parseChain(`Here you go: ${chainAnswer({ withoutSteps: true })}`);
    expect(r.ok && !r.complete && r.steps.length === 0).toBe(true);
  });

  it('clamps factors into range and lists the missing ones as 0', () => {
    const obj = JSON.parse(chainAnswer()) as Record<string, unknown>;
    obj['factors'] = { news_sentiment: 3, impact: -2, surprise: 'high' };
    const r = parseChain(JSON.stringify(obj));
    if (!r.ok) throw new Error(r.reason);
    expect(r.factors).toEqual({ news_sentiment: 1, impact: 0, surprise: 0, market_trend: 0, uncertainty: 0 });
    expect(r.missingFactors).toEqual(['surprise', 'market_trend', 'uncertainty']);
    expect(FACTOR_NAMES).toHaveLength(5);
  });

  it('fails like J6 when the conclusion is unreadable (no keyword guessing)', () => {
    const r = parseChain('{"steps": {"conclusion": {"thought": "clearly bullish, BUY", "evidence": "", "conclusion": "BUY"}}}');
    expect(r.ok).toBe(false);
  });
});
