/** Builders for chain-of-thought answers, shared by the cot tests and the pipeline's. */
import { COT_STEPS } from '@himari/llm';
import type { Factors } from './chain.ts';

export interface ChainAnswerOptions {
  direction?: 'BUY' | 'SELL' | 'HOLD';
  confidence?: number;
  sentiment?: number;
  factors?: Partial<Factors>;
  entities?: string[];
  /** Leave the steps out (a model that skipped its reasoning). */
  withoutSteps?: boolean;
  /** Pad every thought, evidence and conclusion to this many characters (a model that uses all its room). */
  stepChars?: number;
  /** Pad the reasoning to this many characters. */
  reasoningChars?: number;
}

const pad = (s: string, n: number | undefined): string =>
  n === undefined ? s : `${s} ${'x'.repeat(Math.max(0, n - s.length - 1))}`.slice(0, n);

/** A complete answer in the chain schema's shape. */
export function chainAnswer(o: ChainAnswerOptions = {}): string {
  const direction = o.direction ?? 'BUY';
  const steps = Object.fromEntries(
    COT_STEPS.map((s, i) => [
      s.key,
      {
        thought: pad(`thinking about ${s.key}`, o.stepChars),
        evidence: pad(`evidence ${i + 1}`, o.stepChars),
        conclusion: pad(`${s.key} points to ${direction}`, o.stepChars),
      },
    ]),
  );
  const factors: Factors = { news_sentiment: 0.5, surprise: 0.3, market_trend: 0.1, impact: 0.7, uncertainty: 0.2, ...o.factors };
  return JSON.stringify({
    ...(o.withoutSteps ? {} : { steps }),
    factors,
    sentiment: o.sentiment ?? (direction === 'SELL' ? -0.6 : direction === 'BUY' ? 0.6 : 0),
    confidence: o.confidence ?? 0.8,
    direction,
    reasoning: pad(`Conclusion: ${direction}.`, o.reasoningChars),
    entities: o.entities ?? ['Apple'],
    events: ['earnings/beat'],
    timeframe: 'short_term',
    magnitude: 'medium',
  });
}
