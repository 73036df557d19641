/**
 * What the model is asked to produce, as a JSON schema for the backends that enforce one, and a GBNF grammar for
 * llama.cpp that also keeps numbers inside their ranges (llama.cpp's own JSON-schema converter bounds digits, not
 * values). The schema is J6's `SIGNAL_JSON_SCHEMA` with lengths bounded, so a model that never closes a string
 * still finishes inside `max_tokens`; J6 validates whatever comes back either way.
 */
import { SIGNAL_JSON_SCHEMA } from '@himari/structured-output';
import type { OutputSchema } from './types.ts';

export interface TextBounds {
  /** Longest reasoning string. @default 400 */
  maxReasoningChars?: number;
  /** Most entities and events. @default 8 */
  maxListItems?: number;
  /** Longest entity or event. @default 40 */
  maxItemChars?: number;
}

type JsonSchema = Record<string, unknown>;

export function signalOutputSchema(bounds: TextBounds = {}): OutputSchema {
  const maxReasoning = bounds.maxReasoningChars ?? 400;
  const maxItems = bounds.maxListItems ?? 8;
  const maxItemChars = bounds.maxItemChars ?? 40;
  const base = structuredClone(SIGNAL_JSON_SCHEMA) as unknown as JsonSchema & { properties: Record<string, JsonSchema> };
  const p = base.properties;
  p['reasoning'] = { ...p['reasoning'], maxLength: maxReasoning };
  for (const list of ['entities', 'events']) {
    p[list] = { ...p[list], maxItems, items: { type: 'string', maxLength: maxItemChars } };
  }
  return { name: 'trading_signal', jsonSchema: base };
}

/** Removes the keywords OpenAI's strict structured output rejects (`maxLength`); the rest of the schema stays. */
export function withoutLengthBounds(schema: OutputSchema): OutputSchema {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'maxLength') out[k] = strip(x);
    return out;
  };
  return { name: schema.name, jsonSchema: strip(schema.jsonSchema) as Record<string, unknown> };
}

export class UnsupportedSchemaError extends Error {
  override readonly name = 'UnsupportedSchemaError';
  readonly retryable = false;
}

/**
 * GBNF for the subset the project's schemas use: objects with fixed properties (all required, in order, no extra
 * keys), strings (enum, maxLength), numbers and integers (ranges inside [-1, 1] are enforced), arrays (maxItems),
 * booleans. No whitespace between tokens: the shortest valid text, so the fewest generation steps.
 */
export function jsonSchemaToGbnf(schema: Readonly<Record<string, unknown>>): string {
  const rules = new Map<string, string>();
  const root = emit(schema as JsonSchema, 'value', rules);
  const lines = [`root ::= ${root}`];
  for (const [name, body] of rules) lines.push(`${name} ::= ${body}`);
  lines.push(String.raw`char ::= [^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})`);
  return lines.join('\n');
}

function literal(s: string): string {
  return JSON.stringify(s);
}

/** A quoted JSON string literal as a GBNF literal: `"BUY"` → `"\"BUY\""`. */
function jsonLiteral(value: string | number | boolean | null): string {
  return literal(JSON.stringify(value));
}

function emit(s: JsonSchema, path: string, rules: Map<string, string>): string {
  if (Array.isArray(s['enum'])) return `(${(s['enum'] as Array<string | number | boolean | null>).map(jsonLiteral).join(' | ')})`;
  if ('const' in s) return jsonLiteral(s['const'] as string | number | boolean | null);
  switch (s['type']) {
    case 'object':
      return emitObject(s, path, rules);
    case 'string':
      return emitString(s);
    case 'number':
    case 'integer':
      return emitNumber(s, s['type'] === 'integer');
    case 'boolean':
      return '("true" | "false")';
    case 'array':
      return emitArray(s, path, rules);
    default:
      throw new UnsupportedSchemaError(`schema at ${path}: type ${JSON.stringify(s['type'])} is not supported by the grammar builder`);
  }
}

function emitObject(s: JsonSchema, path: string, rules: Map<string, string>): string {
  const props = (s['properties'] ?? {}) as Record<string, JsonSchema>;
  const keys = Object.keys(props);
  const required = new Set((s['required'] as string[] | undefined) ?? keys);
  if (keys.some((k) => !required.has(k))) throw new UnsupportedSchemaError(`schema at ${path}: optional properties are not supported`);
  if (s['additionalProperties'] === true) throw new UnsupportedSchemaError(`schema at ${path}: additionalProperties is not supported`);
  const name = ruleName(path);
  const parts = keys.map((k, i) => `${literal(`${i === 0 ? '' : ','}${JSON.stringify(k)}:`)} ${emit(props[k]!, `${path}-${k}`, rules)}`);
  rules.set(name, keys.length === 0 ? '"{}"' : `"{" ${parts.join(' ')} "}"`);
  return name;
}

function emitString(s: JsonSchema): string {
  const max = typeof s['maxLength'] === 'number' ? Math.max(0, Math.floor(s['maxLength'])) : undefined;
  const min = typeof s['minLength'] === 'number' ? Math.max(0, Math.floor(s['minLength'])) : 0;
  const reps = max === undefined ? (min === 0 ? '*' : `{${min},}`) : `{${min},${max}}`;
  return `"\\"" char${reps} "\\""`;
}

const UNIT = '("0" ("." [0-9]{1,4})? | "1" ("." "0"{1,4})?)';

function emitNumber(s: JsonSchema, integer: boolean): string {
  const min = typeof s['minimum'] === 'number' ? s['minimum'] : undefined;
  const max = typeof s['maximum'] === 'number' ? s['maximum'] : undefined;
  if (!integer && min !== undefined && max !== undefined && min >= -1 && max <= 1) {
    // [0, 1] or [-1, 1]; a narrower range inside them is left to J6's clamp.
    return min >= 0 ? UNIT : `"-"? ${UNIT}`;
  }
  const sign = min !== undefined && min >= 0 ? '' : '"-"? ';
  const int = '("0" | [1-9] [0-9]{0,15})';
  return integer ? `${sign}${int}` : `${sign}${int} ("." [0-9]{1,16})?`;
}

function emitArray(s: JsonSchema, path: string, rules: Map<string, string>): string {
  const items = s['items'] as JsonSchema | undefined;
  if (items === undefined) throw new UnsupportedSchemaError(`schema at ${path}: arrays need items`);
  const item = emit(items, `${path}-item`, rules);
  const max = typeof s['maxItems'] === 'number' ? Math.max(0, Math.floor(s['maxItems'])) : undefined;
  const min = typeof s['minItems'] === 'number' ? Math.max(0, Math.floor(s['minItems'])) : 0;
  if (max === 0) return '"[]"';
  const restMin = Math.max(0, min - 1);
  const rest = max === undefined ? `("," ${item}){${restMin},}` : `("," ${item}){${restMin},${max - 1}}`;
  const body = `${item} ${rest}`;
  return min > 0 ? `"[" ${body} "]"` : `"[" (${body})? "]"`;
}

function ruleName(path: string): string {
  return path.replace(/[^a-zA-Z0-9-]/g, '-').toLowerCase();
}
