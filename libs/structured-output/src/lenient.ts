/**
 * A forgiving JSON reader for what language models actually write: single or smart quotes, unquoted keys and
 * values, trailing or missing commas, Python literals, comments, unescaped inner quotes. Each liberty it takes is
 * recorded as a repair, so a caller can see how far the text was from JSON. Linear in the input.
 *
 * It reports truncation separately from malformation: when the text ends inside a structure, the members of the
 * top-level object that were complete before the cut are handed back so the caller may salvage them.
 */

export type LenientResult =
  | { kind: 'value'; value: unknown; repairs: string[] }
  | { kind: 'truncated'; partial: Record<string, unknown> | null; repairs: string[] }
  | { kind: 'error'; reason: string; repairs: string[] };

class TruncatedInput extends Error {
  override readonly name = 'TruncatedInput';
}
class MalformedInput extends Error {
  override readonly name = 'MalformedInput';
}

/** Deeper nesting than this is not a signal; refusing it keeps recursion bounded on hostile input. */
const MAX_DEPTH = 64;

const SMART_DOUBLE = new Set(['\u201c', '\u201d', '\u201e', '\u201f']);
const SMART_SINGLE = new Set(['\u2018', '\u2019', '\u201a', '\u201b']);
const QUOTES = new Set(['"', "'", ...SMART_DOUBLE, ...SMART_SINGLE]);
const IDENT_START = /[A-Za-z_$]/;
const IDENT_CHAR = /[A-Za-z0-9_$\-.]/;
const STRICT_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const LOOSE_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', "'": "'" };

class Reader {
  private pos = 0;
  private depth = 0;
  readonly repairs = new Set<string>();
  /** The outermost object while it is being read: only members whose values were complete are in it. */
  top: Record<string, unknown> | null = null;

  constructor(private readonly src: string) {}

  readDocument(): unknown {
    this.skipSpace();
    return this.readValue();
  }

  private readValue(): unknown {
    this.skipSpace();
    const c = this.peek();
    if (c === undefined) throw new TruncatedInput('input ended where a value was expected');
    if (c === '{') return this.readObject();
    if (c === '[') return this.readArray();
    if (QUOTES.has(c)) return this.readString();
    return this.readBare();
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new MalformedInput(`nesting deeper than ${MAX_DEPTH}`);
  }

  private readObject(): Record<string, unknown> {
    this.enter();
    this.pos++;
    const obj: Record<string, unknown> = {};
    if (this.depth === 1) this.top = obj;
    for (;;) {
      this.skipSpace();
      const c = this.peek();
      if (c === undefined) throw new TruncatedInput('input ended inside an object');
      if (c === '}') {
        this.pos++;
        this.depth--;
        return obj;
      }
      if (c === ',') {
        this.repairs.add('extra_comma');
        this.pos++;
        continue;
      }
      const key = this.readKey();
      this.skipSpace();
      const colon = this.peek();
      if (colon === undefined) throw new TruncatedInput('input ended after a key');
      if (colon !== ':') throw new MalformedInput(`expected ':' after key ${JSON.stringify(key.slice(0, 40))} at ${this.pos}`);
      this.pos++;
      const value = this.readValue();
      // defineProperty: a key named __proto__ must stay data, as it does with JSON.parse.
      Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      if (this.afterMember('}')) {
        this.depth--;
        return obj;
      }
    }
  }

  private readArray(): unknown[] {
    this.enter();
    this.pos++;
    const out: unknown[] = [];
    for (;;) {
      this.skipSpace();
      const c = this.peek();
      if (c === undefined) throw new TruncatedInput('input ended inside an array');
      if (c === ']') {
        this.pos++;
        this.depth--;
        return out;
      }
      if (c === ',') {
        this.repairs.add('extra_comma');
        this.pos++;
        continue;
      }
      out.push(this.readValue());
      if (this.afterMember(']')) {
        this.depth--;
        return out;
      }
    }
  }

  /** After a member: true when the container closed; consumes a separating comma; tolerates a missing one. */
  private afterMember(close: '}' | ']'): boolean {
    this.skipSpace();
    const c = this.peek();
    if (c === undefined) throw new TruncatedInput(`input ended before '${close}'`);
    if (c === close) {
      this.pos++;
      return true;
    }
    if (c === ',') {
      this.pos++;
      this.skipSpace();
      if (this.peek() === close) this.repairs.add('trailing_comma');
      return false;
    }
    if (QUOTES.has(c) || IDENT_START.test(c) || c === '{' || c === '[' || /[-+.\d]/.test(c)) {
      this.repairs.add('missing_comma');
      return false;
    }
    throw new MalformedInput(`unexpected ${JSON.stringify(c)} at ${this.pos}`);
  }

  private readKey(): string {
    const c = this.peek() ?? '';
    if (QUOTES.has(c)) return this.readString();
    if (IDENT_START.test(c) || /\d/.test(c)) {
      const start = this.pos;
      while (this.pos < this.src.length && IDENT_CHAR.test(this.src[this.pos]!)) this.pos++;
      this.repairs.add('unquoted_keys');
      return this.src.slice(start, this.pos);
    }
    throw new MalformedInput(`expected a key at ${this.pos}, found ${JSON.stringify(c)}`);
  }

  private readString(): string {
    const open = this.src[this.pos]!;
    const closers = closersFor(open);
    if (open === "'") this.repairs.add('single_quotes');
    else if (open !== '"') this.repairs.add('smart_quotes');
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) throw new TruncatedInput('input ended inside a string');
      if (c === '\\') {
        out += this.readEscape();
        continue;
      }
      this.pos++;
      if (closers.has(c)) {
        // A quote followed by text rather than a delimiter is part of the string (an unescaped inner quote).
        if (this.closesString()) return out;
        this.repairs.add('unescaped_quote');
      } else if (c === '\n' || c === '\r' || c === '\t') {
        this.repairs.add('raw_control_char');
      }
      out += c;
    }
  }

  /** Whether the quote just read ends the string: what follows must be able to follow a string. */
  private closesString(): boolean {
    let i = this.pos;
    let newline = false;
    while (i < this.src.length && /\s/.test(this.src[i]!)) {
      if (this.src[i] === '\n') newline = true;
      i++;
    }
    const next = this.src[i];
    if (next === undefined || next === ',' || next === '}' || next === ']' || next === ':') return true;
    if (next === '/' && (this.src[i + 1] === '/' || this.src[i + 1] === '*')) return true;
    // The next member on its own line with the comma forgotten.
    return newline && QUOTES.has(next);
  }

  private readEscape(): string {
    const e = this.src[this.pos + 1];
    if (e === undefined) throw new TruncatedInput('input ended inside an escape');
    if (e === 'u') {
      const hex = this.src.slice(this.pos + 2, this.pos + 6);
      if (hex.length < 4) throw new TruncatedInput('input ended inside a \\u escape');
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new MalformedInput(`bad \\u escape at ${this.pos}`);
      this.pos += 6;
      return String.fromCharCode(parseInt(hex, 16));
    }
    this.pos += 2;
    const mapped = ESCAPES[e];
    if (mapped !== undefined) return mapped;
    this.repairs.add('bad_escape');
    return e;
  }

  /** An unquoted token: a number, a literal, or a bare word such as BUY or 85%. It ends at , } ] or a line end. */
  private readBare(): unknown {
    const start = this.pos;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === ',' || c === '}' || c === ']' || c === '\n' || c === '\r') break;
      if (c === '/' && (this.src[this.pos + 1] === '/' || this.src[this.pos + 1] === '*')) break;
      this.pos++;
    }
    // Without a delimiter after it the token may have been cut (0.8 of 0.85).
    if (this.pos >= this.src.length) throw new TruncatedInput('input ended inside a bare value');
    const token = this.src.slice(start, this.pos).trim();
    if (token === '') throw new MalformedInput(`expected a value at ${start}`);
    return this.interpretBare(token);
  }

  private interpretBare(token: string): unknown {
    if (token === 'true' || token === 'false' || token === 'null') return token === 'null' ? null : token === 'true';
    if (STRICT_NUMBER.test(token)) return Number(token);
    const lower = token.toLowerCase();
    if (lower === 'true' || lower === 'false') {
      this.repairs.add('python_literals');
      return lower === 'true';
    }
    if (lower === 'none' || lower === 'null' || lower === 'nil') {
      this.repairs.add('python_literals');
      return null;
    }
    if (/^[+-]?(nan|infinity|inf)$/.test(lower)) {
      this.repairs.add('non_finite_literal');
      return lower.includes('nan') ? NaN : lower.startsWith('-') ? -Infinity : Infinity;
    }
    if (LOOSE_NUMBER.test(token)) {
      this.repairs.add('number_format');
      return Number(token);
    }
    this.repairs.add('unquoted_value');
    return token;
  }

  private skipSpace(): void {
    for (;;) {
      while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++;
      const c = this.src[this.pos];
      const n = this.src[this.pos + 1];
      if (c === '/' && n === '/') {
        this.repairs.add('comments');
        const end = this.src.indexOf('\n', this.pos);
        this.pos = end < 0 ? this.src.length : end;
      } else if (c === '/' && n === '*') {
        this.repairs.add('comments');
        const end = this.src.indexOf('*/', this.pos + 2);
        if (end < 0) throw new TruncatedInput('input ended inside a comment');
        this.pos = end + 2;
      } else {
        return;
      }
    }
  }

  private peek(): string | undefined {
    return this.src[this.pos];
  }
}

function closersFor(open: string): ReadonlySet<string> {
  if (open === '"' || open === "'") return new Set([open]);
  if (SMART_DOUBLE.has(open)) return new Set([...SMART_DOUBLE, '"']);
  return new Set([...SMART_SINGLE, "'"]);
}

/** Reads the first value of `src`; whatever follows it is ignored (the caller already cut the candidate out). */
export function parseLenient(src: string): LenientResult {
  const reader = new Reader(src);
  try {
    const value = reader.readDocument();
    return { kind: 'value', value, repairs: [...reader.repairs] };
  } catch (err) {
    if (err instanceof TruncatedInput) return { kind: 'truncated', partial: reader.top, repairs: [...reader.repairs] };
    if (err instanceof MalformedInput) return { kind: 'error', reason: err.message, repairs: [...reader.repairs] };
    throw err;
  }
}
