import type { Readable } from 'node:stream';
import type { RejectLine } from './batch-run.ts';
import { peekId, readLines } from './lines.ts';

export interface RejectFilter {
  stage?: string;
  code?: string;
}

/** The rejects file's lines do not match the input they are said to come from. */
export class RejectsFileError extends Error {
  override readonly name = 'RejectsFileError';
  readonly retryable = false;
}

/** Reads a `himari run --rejects` file (JSON lines): every line is checked, a bad one is named by its number. */
export function parseRejects(text: string): RejectLine[] {
  const out: RejectLine[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (err) {
      throw new RejectsFileError(`rejects line ${i + 1}: not JSON`, { cause: err });
    }
    const r = v as Partial<RejectLine> | null;
    if (
      !r ||
      typeof r !== 'object' ||
      !Number.isInteger(r.line) ||
      (r.line as number) < 1 ||
      typeof r.stage !== 'string' ||
      typeof r.code !== 'string' ||
      typeof r.reason !== 'string' ||
      (r.id !== undefined && typeof r.id !== 'string')
    ) {
      throw new RejectsFileError(`rejects line ${i + 1}: expected {line, stage, code, reason, id?} as himari run writes them`);
    }
    out.push({ line: r.line!, stage: r.stage, code: r.code, reason: r.reason, ...(r.id !== undefined ? { id: r.id } : {}) });
  });
  return out;
}

/**
 * The original input lines of the matching rejects, byte for byte, in input order: what `himari dlq rejects` pipes
 * into `himari run --input -` after a fix. A reject that names an id the input line does not carry means the input
 * is not the file that produced the rejects, and nothing is replayed.
 */
export async function rejectedLines(input: Readable, rejects: readonly RejectLine[], filter: RejectFilter = {}): Promise<Uint8Array[]> {
  const wanted = new Map<number, RejectLine>();
  for (const r of rejects) {
    if (filter.stage !== undefined && r.stage !== filter.stage) continue;
    if (filter.code !== undefined && r.code !== filter.code) continue;
    wanted.set(r.line, r);
  }
  const out: Uint8Array[] = [];
  for await (const line of readLines(input)) {
    const r = wanted.get(line.n);
    if (!r) continue;
    wanted.delete(line.n);
    const id = peekId(line.bytes);
    if (r.id !== undefined && id !== undefined && id !== r.id) {
      throw new RejectsFileError(
        `input line ${line.n} carries id ${JSON.stringify(id)}, the reject names ${JSON.stringify(r.id)}: is it the same input?`,
      );
    }
    out.push(line.bytes);
  }
  if (wanted.size > 0) {
    throw new RejectsFileError(`the input has no line ${[...wanted.keys()].sort((a, b) => a - b)[0]}: is it the same input?`);
  }
  return out;
}
