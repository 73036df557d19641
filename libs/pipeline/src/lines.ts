import type { Readable } from 'node:stream';

export interface RawLine {
  /** 1-based line number in the input. */
  n: number;
  bytes: Uint8Array;
}

const NL = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines without decoding it: invalid UTF-8 must reach the ingestor as it was,
 * so that it is rejected with a reason instead of being silently replaced by U+FFFD.
 */
export async function* readLines(input: Readable): AsyncGenerator<RawLine> {
  let carry: Buffer = Buffer.alloc(0);
  let n = 0;
  for await (const chunk of input) {
    const buf: Buffer = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    let start = 0;
    for (let i = buf.indexOf(NL, start); i !== -1; i = buf.indexOf(NL, start)) {
      n += 1;
      yield { n, bytes: stripCr(buf.subarray(start, i)) };
      start = i + 1;
    }
    carry = Buffer.from(buf.subarray(start));
  }
  if (carry.length > 0) yield { n: n + 1, bytes: stripCr(carry) };
}

function stripCr(b: Buffer): Buffer {
  return b.length > 0 && b[b.length - 1] === CR ? b.subarray(0, b.length - 1) : b;
}

export function isBlank(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== CR) return false;
  return true;
}

/** The news id of a line when it is readable JSON with a string id; the ingestor is the judge of everything else. */
export function peekId(bytes: Uint8Array): string | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const id = (v as Record<string, unknown>)['id'];
      return typeof id === 'string' ? id : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
