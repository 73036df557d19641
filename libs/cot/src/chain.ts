/**
 * The chain of thought's output: five steps (thought, evidence, conclusion each), the market factors the policy
 * reads, then the signal fields. Steps come first in the schema, so a grammar-bound model reasons before it
 * concludes. The signal fields are read by J6 (the same repairs, the same failures); steps and factors are read
 * leniently: a chain without readable steps still has a readable conclusion, and says so (`cot_chain_incomplete`).
 */
import { COT_STEPS, signalOutputSchema, type CotStepKey, type OutputSchema } from '@himari/llm';
import { parseModelOutput, type ParseFailure, type ParseSuccess } from '@himari/structured-output';

export const FACTOR_NAMES = ['news_sentiment', 'surprise', 'market_trend', 'impact', 'uncertainty'] as const;
export type FactorName = (typeof FACTOR_NAMES)[number];
export type Factors = Record<FactorName, number>;

const FACTOR_RANGE: Record<FactorName, readonly [number, number]> = {
  news_sentiment: [-1, 1],
  surprise: [-1, 1],
  market_trend: [-1, 1],
  impact: [0, 1],
  uncertainty: [0, 1],
};

export interface ChainStep {
  key: CotStepKey;
  thought: string;
  evidence: string;
  conclusion: string;
}

export interface ChainBounds {
  maxStepChars: number;
  maxReasoningChars: number;
}

export function chainOutputSchema(bounds: ChainBounds): OutputSchema {
  const str = { type: 'string', maxLength: bounds.maxStepChars };
  const step = {
    type: 'object',
    properties: { thought: str, evidence: str, conclusion: str },
    required: ['thought', 'evidence', 'conclusion'],
    additionalProperties: false,
  };
  const signal = signalOutputSchema({ maxReasoningChars: bounds.maxReasoningChars }).jsonSchema as {
    properties: Record<string, unknown>;
    required: string[];
  };
  const factorProps = Object.fromEntries(
    FACTOR_NAMES.map((f) => [f, { type: 'number', minimum: FACTOR_RANGE[f][0], maximum: FACTOR_RANGE[f][1] }]),
  );
  return {
    name: 'chain_of_thought_signal',
    jsonSchema: {
      type: 'object',
      properties: {
        steps: {
          type: 'object',
          properties: Object.fromEntries(COT_STEPS.map((s) => [s.key, step])),
          required: COT_STEPS.map((s) => s.key),
          additionalProperties: false,
        },
        factors: { type: 'object', properties: factorProps, required: [...FACTOR_NAMES], additionalProperties: false },
        ...signal.properties,
      },
      required: ['steps', 'factors', ...signal.required],
      additionalProperties: false,
    },
  };
}

/**
 * The most tokens a complete chain can need under the schema's bounds: five steps of three strings at their longest,
 * the factors, the signal fields with the longest reasoning, JSON keys and quotes, at 3 characters a token (a
 * conservative rate for JSON and short English words). `llm.cot.max_tokens` below this can cut a chain before its
 * conclusion; the default is sized above it for the default bounds.
 */
export function chainTokenBound(bounds: ChainBounds): number {
  const perStep = 3 * bounds.maxStepChars + 3 * 20 + 30;
  const chars = COT_STEPS.length * perStep + FACTOR_NAMES.length * 30 + bounds.maxReasoningChars + 400 + 50;
  return Math.ceil(chars / 3);
}

export type ChainParse =
  (ParseSuccess & { steps: ChainStep[]; factors: Factors; missingFactors: FactorName[]; complete: boolean }) | ParseFailure;

/** J6 for the conclusion; the steps and factors from the same JSON where it can be read. */
export function parseChain(text: string): ChainParse {
  const signal = parseModelOutput(text);
  if (!signal.ok) return signal;
  const obj = readObject(text);
  const steps = readSteps(obj?.['steps']);
  const { factors, missing } = readFactors(obj?.['factors']);
  return { ...signal, steps, factors, missingFactors: missing, complete: steps.length === COT_STEPS.length };
}

function readObject(text: string): Record<string, unknown> | null {
  const tries = [text.trim()];
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start >= 0 && end > start) tries.push(text.slice(start, end + 1));
  for (const t of tries) {
    try {
      const v = JSON.parse(t) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // not this candidate
    }
  }
  return null;
}

function str(v: unknown, max = 2000): string {
  return typeof v === 'string' ? v.slice(0, max) : '';
}

function readSteps(v: unknown): ChainStep[] {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return [];
  const o = v as Record<string, unknown>;
  const out: ChainStep[] = [];
  for (const s of COT_STEPS) {
    const step = o[s.key];
    if (!step || typeof step !== 'object') continue;
    const r = step as Record<string, unknown>;
    const thought = str(r['thought']);
    const evidence = str(r['evidence']);
    const conclusion = str(r['conclusion']);
    if (thought === '' && evidence === '' && conclusion === '') continue;
    out.push({ key: s.key, thought, evidence, conclusion });
  }
  return out;
}

/** Missing or unreadable factors are 0 (no information) and listed. */
function readFactors(v: unknown): { factors: Factors; missing: FactorName[] } {
  const o = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const factors = {} as Factors;
  const missing: FactorName[] = [];
  for (const f of FACTOR_NAMES) {
    const raw = o[f];
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    if (!Number.isFinite(n)) {
      factors[f] = 0;
      missing.push(f);
      continue;
    }
    const [lo, hi] = FACTOR_RANGE[f];
    factors[f] = Math.min(hi, Math.max(lo, n));
  }
  return { factors, missing };
}
