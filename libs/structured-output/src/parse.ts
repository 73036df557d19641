/**
 * parseModelOutput: model text in, a validated signal or a coded reason out.
 *
 * Order: strict JSON → JSON found inside the text (fences, then balanced objects in reading order; the first one
 * that validates wins) → each candidate repaired by the lenient reader → the SENTIMENT:/DIRECTION: line format →
 * field validation. A failure says which of four things went wrong so the caller can count and dead-letter by code.
 */
import { findCandidates, type Candidate } from './extract.ts';
import { looksLikeSignal, validateFields } from './fields.ts';
import { parseLenient } from './lenient.ts';
import { parseLineFormat } from './lines.ts';
import type { ExtractedSignal } from './schema.ts';

export type ParseFailureCode = 'empty' | 'no_json' | 'invalid' | 'truncated';

export type ParseResult =
  | { ok: true; value: ExtractedSignal; repairs: string[]; warnings: string[] }
  | { ok: false; code: ParseFailureCode; reason: string; repairs: string[] };

export type ParseSuccess = Extract<ParseResult, { ok: true }>;
export type ParseFailure = Extract<ParseResult, { ok: false }>;

/** Longer output is read only this far (repair `input_capped`): a runaway generation must not cost unbounded time. */
export const MAX_INPUT_CHARS = 262_144;

interface Attempt {
  failure: ParseFailure;
  /** It named a required field, so its failure explains the output better than a stray object's would. */
  signalLike: boolean;
}

const SIGNAL_KEY = /["'\u201c\u2018]?\b(sentiment|confidence|direction)\b["'\u201d\u2019]?\s*:/i;
const ANY_KEY = /["'\u201c\u2018]?[A-Za-z_$][\w$-]*["'\u201d\u2019]?\s*:/;

export function parseModelOutput(text: string): ParseResult {
  if (typeof text !== 'string') return { ok: false, code: 'empty', reason: 'model output is not text', repairs: [] };
  const trimmed = text.replace(/\ufeff|\u200b|\u200c|\u200d|\u2060/g, '').trim();
  if (trimmed === '') {
    return {
      ok: false,
      code: 'empty',
      reason: text.length === 0 ? 'model output is empty' : 'model output is whitespace only',
      repairs: [],
    };
  }
  const base: string[] = [];
  let src = trimmed;
  if (src.length > MAX_INPUT_CHARS) {
    src = src.slice(0, MAX_INPUT_CHARS);
    base.push('input_capped');
  }

  const attempts: Attempt[] = [];
  const strict = tryJson(src);
  if (strict.ok) {
    const r = fromParsed(strict.value, base);
    if (r.ok) return r;
    attempts.push(r.attempt);
  }

  // Complete objects first: an unclosed brace in prose must not shadow a whole object after it.
  const candidates = findCandidates(src).sort((a, b) => Number(b.complete) - Number(a.complete));
  for (const c of candidates) {
    const pre = [...base, ...(c.origin === 'fence' ? ['code_fence'] : c.text !== src ? ['extracted_from_text'] : [])];
    const r = fromCandidate(c, pre);
    if (r === null) continue;
    if (r.ok) return r;
    attempts.push(r.attempt);
  }

  const lines = parseLineFormat(src);
  if (lines !== null) {
    const v = validateFields(lines, { textual: true });
    const repairs = unique([...base, 'line_format', ...v.repairs]);
    if (v.ok) return { ok: true, value: v.value, repairs, warnings: v.warnings };
    attempts.push({
      failure: { ok: false, code: 'invalid', reason: `line format: ${v.reason}`, repairs },
      signalLike: looksLikeSignal(lines),
    });
  }

  const chosen = attempts.find((a) => a.signalLike) ?? attempts[0];
  if (chosen !== undefined) return chosen.failure;
  return { ok: false, code: 'no_json', reason: 'no JSON object and no SENTIMENT/CONFIDENCE/DIRECTION lines in the output', repairs: base };
}

type Step = ParseSuccess | { ok: false; attempt: Attempt };

function fromCandidate(c: Candidate, pre: string[]): Step | null {
  const strict = tryJson(c.text);
  if (strict.ok) return fromParsed(strict.value, pre);
  const lenient = parseLenient(c.text);
  const repairs = [...pre, ...lenient.repairs];
  if (lenient.kind === 'value') return fromParsed(lenient.value, repairs);
  if (lenient.kind === 'truncated' && !c.complete) return fromTruncated(c, lenient.partial, repairs);
  // Braces around prose ("{placeholder}") are not JSON the model meant; only report objects that tried to be signals.
  if (!SIGNAL_KEY.test(c.text)) return null;
  const reason = lenient.kind === 'error' ? lenient.reason : 'quotes do not balance inside the object';
  return fail('invalid', `malformed JSON: ${reason}`, repairs, true);
}

function fromTruncated(c: Candidate, partial: Record<string, unknown> | null, repairs: string[]): Step | null {
  const hasMembers = partial !== null && Object.keys(partial).length > 0;
  if (!hasMembers && !ANY_KEY.test(c.text)) return null;
  if (partial !== null && looksLikeSignal(partial)) {
    const v = validateFields(partial);
    if (v.ok) {
      return {
        ok: true,
        value: v.value,
        repairs: unique([...repairs, ...v.repairs, 'salvaged_truncated']),
        warnings: [...v.warnings, 'truncated_output'],
      };
    }
  }
  const reason = `output ends inside a JSON object (unbalanced braces) after ${c.text.length} characters; required fields were not all complete before the cut`;
  return fail('truncated', reason, repairs, hasMembers ? looksLikeSignal(partial) : SIGNAL_KEY.test(c.text));
}

/** Accepts the object itself, an array holding it, a JSON string holding it, or an object wrapping it. */
function fromParsed(value: unknown, pre: string[], depth = 0): Step {
  if (typeof value === 'string' && depth === 0) {
    const inner = value.trim();
    if (inner.startsWith('{') || inner.startsWith('[')) {
      const parsed = tryJson(inner);
      const lenient = parsed.ok ? null : parseLenient(inner);
      if (parsed.ok) return fromParsed(parsed.value, [...pre, 'double_encoded'], depth + 1);
      if (lenient?.kind === 'value') return fromParsed(lenient.value, [...pre, 'double_encoded', ...lenient.repairs], depth + 1);
    }
  }
  if (Array.isArray(value)) {
    const first = value.find(isPlainObject);
    if (first === undefined) return fail('invalid', 'output is a JSON array without an object in it', pre, false);
    return fromObject(first, [...pre, 'unwrapped_array']);
  }
  if (!isPlainObject(value))
    return fail('invalid', `output is JSON but not an object (${value === null ? 'null' : typeof value})`, pre, false);
  return fromObject(value, pre);
}

function fromObject(obj: Record<string, unknown>, pre: string[]): Step {
  let target = obj;
  const repairs = [...pre];
  if (!looksLikeSignal(obj)) {
    const inner = Object.values(obj).find((v): v is Record<string, unknown> => isPlainObject(v) && looksLikeSignal(v));
    if (inner !== undefined) {
      target = inner;
      repairs.push('unwrapped_object');
    }
  }
  const v = validateFields(target);
  if (v.ok) return { ok: true, value: v.value, repairs: unique([...repairs, ...v.repairs]), warnings: v.warnings };
  return fail('invalid', v.reason, unique([...repairs, ...v.repairs]), looksLikeSignal(target));
}

function fail(code: ParseFailureCode, reason: string, repairs: string[], signalLike: boolean): Step {
  return { ok: false, attempt: { failure: { ok: false, code, reason, repairs: unique(repairs) }, signalLike } };
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const first = text[0];
  if (first !== '{' && first !== '[' && first !== '"') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}
