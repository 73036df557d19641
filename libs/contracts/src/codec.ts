import { Packr } from 'msgpackr';
import type { z } from 'zod';

/**
 * Plain msgpack maps (no msgpackr records) so that readers in other languages decode the bus with any msgpack library.
 */
const packr = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true });

export function encode(value: unknown): Uint8Array {
  return packr.pack(value);
}

export function decodeRaw(bytes: Uint8Array): unknown {
  return packr.unpack(bytes);
}

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  readonly retryable = false;
  constructor(
    readonly code: 'undecodable' | 'schema',
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
    raw = packr.unpack(bytes);
  } catch (err) {
    throw new DecodeError('undecodable', `not msgpack: ${(err as Error).message}`, { cause: err });
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
