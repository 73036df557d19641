/**
 * J6: the shape a language model is asked to produce. One definition, two forms: a JSON Schema for constrained
 * decoding (llama.cpp grammar, OpenAI `response_format`) and a zod schema for the final validation of what came back.
 */
import { z } from 'zod';
import { Magnitude, Timeframe } from '@himari/contracts';

/** Bump when a field is added, removed or changes meaning; prompts and maps record which version they targeted. */
export const SCHEMA_VERSION = 'signal-json/1' as const;

export const SignalDirection = z.enum(['BUY', 'SELL', 'HOLD']);
export type SignalDirection = z.infer<typeof SignalDirection>;

/** Longest reasoning kept; the wire contract (`DraftSignal.reasoning`) allows the same. */
export const MAX_REASONING_CHARS = 4000;

/** A validated model output: every field present and in range. */
export const ExtractedSignal = z
  .object({
    sentiment: z.number().min(-1).max(1),
    confidence: z.number().min(0).max(1),
    direction: SignalDirection,
    reasoning: z.string().max(MAX_REASONING_CHARS),
    entities: z.array(z.string()),
    events: z.array(z.string()),
    timeframe: Timeframe,
    magnitude: Magnitude,
  })
  .strict();
export type ExtractedSignal = z.infer<typeof ExtractedSignal>;

/** Fields without which a signal is `invalid`: never defaulted, least of all to HOLD. */
export const REQUIRED_FIELDS = ['sentiment', 'confidence', 'direction'] as const;
export type RequiredField = (typeof REQUIRED_FIELDS)[number];

/**
 * Every property is listed in `required` and `additionalProperties` is false, as OpenAI's strict structured output
 * demands; keywords are limited to those both OpenAI and llama.cpp's schema-to-grammar converter understand.
 */
export const SIGNAL_JSON_SCHEMA = deepFreeze({
  title: 'TradingSignal',
  description: `HIMARI trading signal drafted from one news item (${SCHEMA_VERSION}).`,
  type: 'object',
  properties: {
    sentiment: {
      type: 'number',
      minimum: -1,
      maximum: 1,
      description: 'Market sentiment of the news for the asset: -1 very bearish, 0 neutral, 1 very bullish.',
    },
    confidence: { type: 'number', minimum: 0, maximum: 1, description: 'Probability that the direction is right.' },
    direction: { type: 'string', enum: [...SignalDirection.options], description: 'Trade direction the news supports.' },
    reasoning: { type: 'string', description: 'One or two sentences: why.' },
    entities: { type: 'array', items: { type: 'string' }, description: 'Companies, people, tokens or institutions named.' },
    events: { type: 'array', items: { type: 'string' }, description: 'Event types, e.g. earnings/beat.' },
    timeframe: { type: 'string', enum: [...Timeframe.options], description: 'How long the effect should last.' },
    magnitude: { type: 'string', enum: [...Magnitude.options], description: 'Expected size of the price move.' },
  },
  required: ['sentiment', 'confidence', 'direction', 'reasoning', 'entities', 'events', 'timeframe', 'magnitude'],
  additionalProperties: false,
} as const);

/** The numeric direction of the wire contract. */
export function directionToNumber(direction: SignalDirection): 1 | -1 | 0 {
  switch (direction) {
    case 'BUY':
      return 1;
    case 'SELL':
      return -1;
    case 'HOLD':
      return 0;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
