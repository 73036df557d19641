import { Packr } from 'msgpackr';
import type { z } from 'zod';

/**
 * Plain msgpack maps (no msgpackr records) so that readers in other languages decode the bus with any msgpack library.
 */
const packr = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true, structuredClone: false });

/** Deeper values are refused: nothing on the bus nests this far, and walking them costs the stack. */
export const MAX_DECODE_DEPTH = 64;

export function encode(value: unknown): Uint8Array {
  return packr.pack(value);
}

/**
 * msgpack bytes to plain data only: maps, arrays, strings, numbers, booleans, null, binary and the spec's timestamp. msgpackr's
 * extensions would otherwise build Error, RegExp, Set, typed arrays, records or shared (cyclic) references
 * from untrusted bytes; each of those is an UnsafeValueError, which callers treat as undecodable.
 */
export function decodeRaw(bytes: Uint8Array): unknown {
  const value: unknown = packr.unpack(bytes);
  checkPlain(value);
  return value;
}

export class UnsafeValueError extends Error {
  override readonly name = 'UnsafeValueError';
  readonly retryable = false;
}

/** Throws UnsafeValueError for anything but plain JSON-like data and byte strings; also refuses cycles and deep nesting. */
export function checkPlain(root: unknown): void {
  const ancestors = new Set<object>();
  const walk = (v: unknown, depth: number): void => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
    if (typeof v === 'number') return;
    if (typeof v !== 'object') throw new UnsafeValueError(`decoded a ${typeof v}`);
    if (depth > MAX_DECODE_DEPTH) throw new UnsafeValueError(`nested deeper than ${MAX_DECODE_DEPTH}`);
    if (v instanceof Uint8Array && (v.constructor === Uint8Array || v.constructor === Buffer)) return;
    // The msgpack spec's own timestamp type (ext -1), which producers in any language may send for published_at.
    if (Object.getPrototypeOf(v) === Date.prototype && !Number.isNaN((v as Date).getTime())) return;
    if (ancestors.has(v)) throw new UnsafeValueError('cyclic reference');
    const proto: unknown = Object.getPrototypeOf(v);
    if (Array.isArray(v) && proto === Array.prototype) {
      ancestors.add(v);
      for (const x of v) walk(x, depth + 1);
      ancestors.delete(v);
      return;
    }
    if (proto !== Object.prototype && proto !== null) {
      const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
      throw new UnsafeValueError(`decoded a ${typeof name === 'string' ? name : 'non-plain object'}`);
    }
    ancestors.add(v);
    for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], depth + 1);
    ancestors.delete(v);
  };
  walk(root, 0);
}

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  readonly retryable = false;
  constructor(
    readonly code: 'undecodable' | 'schema' | 'oversized',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Decodes and validates in one step: what comes off the bus is either a typed message or a DecodeError. */
export function decodeAs<S extends z.ZodType>(schema: S, bytes: Uint8Array): z.infer<S> {
  let raw: unknown;
  try {
    raw = decodeRaw(bytes);
  } catch (err) {
    throw new DecodeError('undecodable', `not plain msgpack: ${(err as Error).message}`, { cause: err });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new DecodeError('schema', formatIssues(parsed.error.issues));
  }
  return parsed.data;
}

export function formatIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
