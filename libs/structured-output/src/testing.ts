/**
 * A corpus of messy model outputs with the outcome each must have. LLM actors reuse it in their own tests, so that a
 * change to prompts or decoding is checked against the same failures the parser was built for.
 */
import type { ParseFailureCode } from './parse.ts';
import type { SignalDirection } from './schema.ts';

export type ExpectedOutcome =
  | {
      ok: true;
      direction: SignalDirection;
      sentiment?: number;
      confidence?: number;
      /** Each must appear in `repairs`. */
      repairs?: string[];
      /** `repairs` must equal this exactly. */
      repairsExact?: string[];
      /** Each must appear in `warnings`. */
      warnings?: string[];
      reasoningIncludes?: string;
    }
  | { ok: false; code: ParseFailureCode };

export interface MessyCase {
  readonly name: string;
  readonly input: string;
  readonly expect: ExpectedOutcome;
}

const clean =
  '{"sentiment": 0.62, "confidence": 0.81, "direction": "BUY", "reasoning": "Q3 revenue beat consensus by 8%.", "entities": ["AAPL"], "events": ["earnings/beat"], "timeframe": "short_term", "magnitude": "medium"}';

export const VALID_SIGNAL_JSON = clean;

export const MESSY_OUTPUTS: readonly MessyCase[] = [
  { name: 'clean JSON', input: clean, expect: { ok: true, direction: 'BUY', sentiment: 0.62, confidence: 0.81, repairsExact: [] } },
  {
    name: 'prose around JSON',
    input: `Sure! Here is the signal you asked for:\n${clean}\nLet me know if you need anything else.`,
    expect: { ok: true, direction: 'BUY', confidence: 0.81, repairs: ['extracted_from_text'] },
  },
  { name: 'json code fence', input: '```json\n' + clean + '\n```', expect: { ok: true, direction: 'BUY', repairs: ['code_fence'] } },
  {
    name: 'bare code fence with prose',
    input: 'Analysis below.\n```\n{"sentiment": -0.4, "confidence": 0.7, "direction": "SELL"}\n```\nDone.',
    expect: { ok: true, direction: 'SELL', sentiment: -0.4, repairs: ['code_fence'] },
  },
  {
    name: 'trailing commas',
    input: '{"sentiment": 0.5, "confidence": 0.7, "direction": "BUY", "entities": ["AAPL", "MSFT",], "events": [],}',
    expect: { ok: true, direction: 'BUY', repairs: ['trailing_comma'] },
  },
  {
    name: 'single quotes with an apostrophe inside',
    input: "{'sentiment': 0.4, 'confidence': 0.6, 'direction': 'BUY', 'reasoning': 'Apple's guidance was raised'}",
    expect: { ok: true, direction: 'BUY', repairs: ['single_quotes'], reasoningIncludes: "Apple's guidance" },
  },
  {
    name: 'unquoted keys and values',
    input: '{sentiment: -0.6, confidence: 0.7, direction: SELL, timeframe: intraday}',
    expect: { ok: true, direction: 'SELL', sentiment: -0.6, repairs: ['unquoted_keys', 'unquoted_value'] },
  },
  {
    name: 'Python literals',
    input: '{"sentiment": 0.05, "confidence": 0.55, "direction": "HOLD", "entities": None, "is_rumor": False}',
    expect: { ok: true, direction: 'HOLD', repairs: ['python_literals'], warnings: ['missing:entities', 'extra_keys:is_rumor'] },
  },
  {
    name: 'smart quotes',
    input:
      '{\u201csentiment\u201d: 0.3, \u201cconfidence\u201d: 0.6, \u201cdirection\u201d: \u201cBUY\u201d, \u201creasoning\u201d: \u201cCEO\u2019s upbeat call\u201d}',
    expect: { ok: true, direction: 'BUY', repairs: ['smart_quotes'], reasoningIncludes: 'CEO\u2019s upbeat' },
  },
  {
    name: 'percentages for confidence and sentiment',
    input: '{"sentiment": "70%", "confidence": "85%", "direction": "BUY"}',
    expect: { ok: true, direction: 'BUY', sentiment: 0.7, confidence: 0.85, repairs: ['percent:confidence', 'percent:sentiment'] },
  },
  {
    name: 'numbers as strings and a lower-case direction',
    input: '{"sentiment": "0.45", "confidence": "0.8", "direction": "buy"}',
    expect: {
      ok: true,
      direction: 'BUY',
      sentiment: 0.45,
      confidence: 0.8,
      repairs: ['string_number:sentiment', 'string_number:confidence', 'direction_case'],
    },
  },
  {
    name: 'BUY with negative sentiment',
    input: '{"sentiment": -0.5, "confidence": 0.7, "direction": "BUY", "reasoning": "Miss, but buy the dip."}',
    expect: { ok: true, direction: 'BUY', sentiment: -0.5, warnings: ['direction_sentiment_conflict'] },
  },
  {
    name: 'SELL with positive sentiment',
    input: '{"sentiment": 0.4, "confidence": 0.6, "direction": "SELL"}',
    expect: { ok: true, direction: 'SELL', warnings: ['direction_sentiment_conflict'] },
  },
  {
    name: 'truncated inside reasoning after the required fields: salvaged',
    input: '{"sentiment": 0.6, "confidence": 0.75, "direction": "BUY", "reasoning": "Revenue grew 20% and margins',
    expect: {
      ok: true,
      direction: 'BUY',
      confidence: 0.75,
      repairs: ['salvaged_truncated'],
      warnings: ['truncated_output', 'missing:reasoning'],
    },
  },
  {
    name: 'truncated inside a key before direction',
    input: '{"sentiment": 0.6, "confidence": 0.75, "dire',
    expect: { ok: false, code: 'truncated' },
  },
  { name: 'truncated inside a number', input: 'Answer: {"sentiment": 0.6, "confidence": 0.7', expect: { ok: false, code: 'truncated' } },
  {
    name: 'truncated inside the direction string',
    input: '```json\n{"sentiment": -0.3, "confidence": 0.6, "direction": "SE',
    expect: { ok: false, code: 'truncated' },
  },
  { name: 'empty output', input: '', expect: { ok: false, code: 'empty' } },
  { name: 'whitespace only', input: '  \n\t \r\n ', expect: { ok: false, code: 'empty' } },
  {
    name: 'nested braces and escaped quotes inside strings',
    input:
      'Result -> {"sentiment": 0.5, "confidence": 0.6, "direction": "BUY", "reasoning": "Guidance {raised} to {\\"fy\\": 2025} levels; \\"strong\\" demand }"} <- end',
    expect: { ok: true, direction: 'BUY', reasoningIncludes: '{"fy": 2025}' },
  },
  {
    name: 'two JSON objects: the first valid one wins',
    input:
      '{"sentiment": 0.8, "confidence": 0.9, "direction": "BUY"}\nOr, more cautiously:\n{"sentiment": -0.8, "confidence": 0.9, "direction": "SELL"}',
    expect: { ok: true, direction: 'BUY', sentiment: 0.8 },
  },
  {
    name: 'two JSON objects: a non-signal first one is skipped',
    input: 'Schema: {"type": "object", "required": ["direction"]}\nAnswer: {"sentiment": -0.4, "confidence": 0.6, "direction": "SELL"}',
    expect: { ok: true, direction: 'SELL', sentiment: -0.4 },
  },
  { name: 'refusal text', input: 'I cannot help with that.', expect: { ok: false, code: 'no_json' } },
  {
    name: 'refusal with braces in prose',
    input: "I'm sorry, I can't produce {output} for this request.",
    expect: { ok: false, code: 'no_json' },
  },
  {
    name: 'line format',
    input: 'SENTIMENT: 0.7\nCONFIDENCE: 85%\nDIRECTION: BUY\nREASONING: Earnings beat\nexpectations across segments.',
    expect: {
      ok: true,
      direction: 'BUY',
      sentiment: 0.7,
      confidence: 0.85,
      repairs: ['line_format'],
      reasoningIncludes: 'beat expectations across',
    },
  },
  {
    name: 'line format in markdown with a synonym',
    input: '- **Sentiment:** -0.3\n- **Confidence:** 0.6\n- **Direction:** Bearish\n',
    expect: { ok: true, direction: 'SELL', sentiment: -0.3, repairs: ['line_format', 'direction_synonym'] },
  },
  {
    name: 'line format with annotated values',
    input:
      'Sentiment: -0.45 (moderately bearish)\nConfidence: 70% - guidance cut is explicit\nDirection: SELL (medium conviction)\nTimeframe: short-term',
    expect: {
      ok: true,
      direction: 'SELL',
      sentiment: -0.45,
      confidence: 0.7,
      repairs: ['line_format', 'annotated_number:sentiment', 'annotated_number:confidence', 'direction_annotated'],
    },
  },
  {
    name: 'fraction is not read as a number',
    input: 'SENTIMENT: 0.5\nCONFIDENCE: 7/10\nDIRECTION: BUY',
    expect: { ok: false, code: 'invalid' },
  },
  {
    name: 'line format without direction',
    input: 'SENTIMENT: 0.7\nCONFIDENCE: 0.8\nREASONING: looks good',
    expect: { ok: false, code: 'invalid' },
  },
  { name: 'line format with only a HOLD direction', input: 'DIRECTION: HOLD', expect: { ok: false, code: 'invalid' } },
  {
    name: 'out-of-range numbers are clamped',
    input: '{"sentiment": 1.8, "confidence": 1.4, "direction": "BUY"}',
    expect: { ok: true, direction: 'BUY', sentiment: 1, confidence: 1, repairs: ['clamped:sentiment', 'clamped:confidence'] },
  },
  {
    name: 'negative confidence is clamped',
    input: '{"sentiment": -2, "confidence": -0.2, "direction": "SELL"}',
    expect: { ok: true, direction: 'SELL', sentiment: -1, confidence: 0, repairs: ['clamped:sentiment', 'clamped:confidence'] },
  },
  {
    name: 'NaN string sentiment',
    input: '{"sentiment": "NaN", "confidence": 0.7, "direction": "BUY"}',
    expect: { ok: false, code: 'invalid' },
  },
  {
    name: 'bare Infinity confidence',
    input: '{"sentiment": 0.5, "confidence": Infinity, "direction": "BUY"}',
    expect: { ok: false, code: 'invalid' },
  },
  {
    name: 'Infinity string confidence',
    input: '{"sentiment": 0.5, "confidence": "Infinity", "direction": "HOLD"}',
    expect: { ok: false, code: 'invalid' },
  },
  { name: 'missing direction', input: '{"sentiment": 0.5, "confidence": 0.7, "reasoning": "up"}', expect: { ok: false, code: 'invalid' } },
  {
    name: 'unknown direction word',
    input: '{"sentiment": 0.5, "confidence": 0.7, "direction": "maybe later"}',
    expect: { ok: false, code: 'invalid' },
  },
  { name: 'missing sentiment', input: '{"confidence": 0.7, "direction": "HOLD"}', expect: { ok: false, code: 'invalid' } },
  { name: 'null confidence', input: '{"sentiment": 0.0, "confidence": null, "direction": "HOLD"}', expect: { ok: false, code: 'invalid' } },
  {
    name: 'word sentiment',
    input: '{"sentiment": "positive", "confidence": 0.7, "direction": "BUY"}',
    expect: { ok: false, code: 'invalid' },
  },
  {
    name: 'direction synonym: long',
    input: '{"sentiment": 0.3, "confidence": 0.6, "direction": "long"}',
    expect: { ok: true, direction: 'BUY', repairs: ['direction_synonym'] },
  },
  {
    name: 'direction synonym: short',
    input: '{"sentiment": -0.3, "confidence": 0.6, "direction": "Short"}',
    expect: { ok: true, direction: 'SELL', repairs: ['direction_synonym'] },
  },
  {
    name: 'direction synonym: neutral',
    input: '{"sentiment": 0.02, "confidence": 0.5, "direction": "neutral"}',
    expect: { ok: true, direction: 'HOLD', repairs: ['direction_synonym'] },
  },
  {
    name: 'huge output: JSON then a runaway generation',
    input: clean + '\n' + 'and the market will keep going. '.repeat(20_000),
    expect: { ok: true, direction: 'BUY', repairs: ['input_capped', 'extracted_from_text'] },
  },
  { name: 'huge output without JSON', input: 'lorem ipsum dolor sit amet '.repeat(40_000), expect: { ok: false, code: 'no_json' } },
  { name: 'huge run of open braces', input: '{'.repeat(300_000), expect: { ok: false, code: 'no_json' } },
  {
    name: 'object wrapped under a key',
    input: '{"signal": {"sentiment": 0.3, "confidence": 0.6, "direction": "BUY"}}',
    expect: { ok: true, direction: 'BUY', repairs: ['unwrapped_object'] },
  },
  {
    name: 'object inside an array',
    input: '[{"sentiment": -0.2, "confidence": 0.6, "direction": "SELL"}]',
    expect: { ok: true, direction: 'SELL', repairs: ['unwrapped_array'] },
  },
  {
    name: 'double-encoded JSON string',
    input: JSON.stringify('{"sentiment": 0.3, "confidence": 0.6, "direction": "BUY"}'),
    expect: { ok: true, direction: 'BUY', repairs: ['double_encoded'] },
  },
  {
    name: 'comments and missing commas',
    input: '{\n  "sentiment": 0.3 // mildly positive\n  "confidence": 0.6\n  "direction": "BUY" /* by rule */\n}',
    expect: { ok: true, direction: 'BUY', sentiment: 0.3, repairs: ['comments', 'missing_comma'] },
  },
  {
    name: 'unescaped quotes inside reasoning',
    input: '{"sentiment": 0.5, "confidence": 0.6, "direction": "BUY", "reasoning": "CEO called it "a record quarter" today"}',
    expect: { ok: true, direction: 'BUY', repairs: ['unescaped_quote'], reasoningIncludes: 'called it "a record quarter" today' },
  },
  {
    name: 'alias and capitalised keys',
    input: '{"Sentiment": 0.2, "Confidence": 0.6, "action": "BUY", "rationale": "Upgrade by two brokers"}',
    expect: {
      ok: true,
      direction: 'BUY',
      repairs: ['key_alias:sentiment', 'key_alias:direction', 'key_alias:reasoning'],
      reasoningIncludes: 'Upgrade',
    },
  },
  {
    name: 'reasoning-model think block with braces before the answer',
    input:
      '<think>The template is {placeholder}; I should answer with JSON.</think>\n{"sentiment": -0.7, "confidence": 0.8, "direction": "SELL", "timeframe": "Medium-Term", "magnitude": "large"}',
    expect: { ok: true, direction: 'SELL', repairs: ['enum_synonym:timeframe', 'enum_synonym:magnitude'] },
  },
  {
    name: 'missing optional fields are defaulted with warnings',
    input: '{"sentiment": 0.3, "confidence": 0.6, "direction": "BUY"}',
    expect: {
      ok: true,
      direction: 'BUY',
      repairsExact: [],
      warnings: ['missing:reasoning', 'missing:entities', 'missing:events', 'missing:timeframe', 'missing:magnitude'],
    },
  },
  { name: 'JSON that is not an object', input: '0.7', expect: { ok: false, code: 'no_json' } },
];
