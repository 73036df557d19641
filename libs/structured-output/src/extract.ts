/**
 * Finding the JSON inside a model's answer: fenced blocks first (the model said "this is the JSON"), then every
 * balanced `{...}` in reading order. The brace scanner knows strings and escapes, so braces inside a reasoning
 * string do not end the object early.
 */

export interface Candidate {
  readonly text: string;
  readonly origin: 'fence' | 'scan';
  /** False when the text ended before the object closed. */
  readonly complete: boolean;
}

/** Bounds work on hostile or runaway output: each unclosed start costs one pass over the rest of the text. */
const MAX_UNCLOSED_STARTS = 16;
const MAX_CANDIDATES = 32;

const FENCE = '```';

export function findCandidates(text: string): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const push = (c: Candidate): void => {
    if (out.length < MAX_CANDIDATES && !seen.has(c.text)) {
      seen.add(c.text);
      out.push(c);
    }
  };
  for (const body of fencedBlocks(text)) {
    const start = body.search(/[{[]/);
    if (start >= 0 && /^\s*$/.test(body.slice(0, start))) push({ text: body.slice(start).trim(), origin: 'fence', complete: true });
  }
  for (const c of balancedObjects(text)) push(c);
  return out;
}

/** Bodies of closed ``` fences, language tag dropped. */
function fencedBlocks(text: string): string[] {
  const bodies: string[] = [];
  let from = 0;
  for (;;) {
    const open = text.indexOf(FENCE, from);
    if (open < 0) return bodies;
    const lineEnd = text.indexOf('\n', open + FENCE.length);
    if (lineEnd < 0) return bodies;
    const close = text.indexOf(FENCE, lineEnd + 1);
    if (close < 0) return bodies;
    bodies.push(text.slice(lineEnd + 1, close));
    from = close + FENCE.length;
  }
}

function balancedObjects(text: string): Candidate[] {
  const out: Candidate[] = [];
  let unclosed = 0;
  let from = 0;
  while (out.length < MAX_CANDIDATES) {
    const start = text.indexOf('{', from);
    if (start < 0) break;
    const end = closingBrace(text, start);
    if (end >= 0) {
      out.push({ text: text.slice(start, end + 1), origin: 'scan', complete: true });
      from = end + 1;
    } else {
      out.push({ text: text.slice(start), origin: 'scan', complete: false });
      if (++unclosed >= MAX_UNCLOSED_STARTS) break;
      from = start + 1;
    }
  }
  return out;
}

const OPENS_AFTER = new Set(['{', '[', ',', ':']);

/** Index of the brace that closes the one at `start`, or -1 when the text ends first. */
export function closingBrace(text: string, start: number): number {
  let depth = 0;
  let quote: string | null = null;
  let prev = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== null) {
      if (c === '\\') i++;
      else if (closes(quote, c)) quote = null;
      continue;
    }
    if (c === '"' || c === '\u201c') quote = c;
    // An apostrophe opens a string only where a value or key may start; elsewhere it is prose ("Apple's").
    else if ((c === "'" || c === '\u2018') && OPENS_AFTER.has(prev)) quote = c;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return c === '}' ? i : -1;
    }
    if (!/\s/.test(c)) prev = c;
  }
  return -1;
}

function closes(open: string, c: string): boolean {
  if (open === '"' || open === "'") return c === open;
  if (open === '\u201c') return c === '\u201d' || c === '\u201c';
  return c === '\u2019' || c === '\u2018';
}
