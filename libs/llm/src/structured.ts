/**
 * J6, guaranteed: generate, read with J6 (strict JSON, extraction, repair, line format), and when that fails ask
 * once more with the reason; if the second answer is unreadable too, the result is an explicit `unparseable` that
 * the actor dead-letters and counts. There is no path from a failed parse to a default signal.
 */
import { parseModelOutput, type ParseFailure, type ParseResult } from '@himari/structured-output';
import { reaskMessages, type OptFormat } from './prompts.ts';
import type { GenerateRequest, GenerateResult, TextGenerator } from './types.ts';

export type Parser<T extends { ok: true }> = (text: string) => T | ParseFailure;

export type StructuredOutcome<T extends { ok: true }> =
  | { ok: true; parsed: T; text: string; results: GenerateResult[]; reasked: boolean }
  | { ok: false; code: 'unparseable'; failure: ParseFailure; texts: string[]; results: GenerateResult[]; reasked: boolean };

export interface StructuredOptions<T extends { ok: true }> {
  parse: Parser<T>;
  format: OptFormat | 'cot';
  /** @default true */
  reask?: boolean;
}

export async function generateStructured<T extends { ok: true }>(
  generator: TextGenerator,
  req: GenerateRequest,
  opts: StructuredOptions<T>,
): Promise<StructuredOutcome<T>> {
  const first = await generator.generate(req);
  const p1 = opts.parse(first.text);
  if (p1.ok) return { ok: true, parsed: p1, text: first.text, results: [first], reasked: false };
  // Even a grammar-bound answer can fail J6: cut at max_tokens, or a schema J6 reads more strictly.
  if (opts.reask === false) return { ok: false, code: 'unparseable', failure: p1, texts: [first.text], results: [first], reasked: false };
  const second = await generator.generate({
    ...req,
    messages: reaskMessages(req.messages, first.text, `${p1.code}: ${p1.reason}`, opts.format),
  });
  const p2 = opts.parse(second.text);
  if (p2.ok) return { ok: true, parsed: p2, text: second.text, results: [first, second], reasked: true };
  return {
    ok: false,
    code: 'unparseable',
    failure: { ...p2, reason: `after one re-ask: ${p2.code}: ${p2.reason} (first answer: ${p1.code}: ${p1.reason})` },
    texts: [first.text, second.text],
    results: [first, second],
    reasked: true,
  };
}

/** J6's parser as a `Parser`. */
export const parseSignal: Parser<Extract<ParseResult, { ok: true }>> = (text) => parseModelOutput(text);
