/** Shared by the dataset importers: hashing, checking the source bytes, writing JSON lines. */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Outcome } from '@himari/contracts';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** A raw news line as `himari run` and `himari backtest` read it. */
export interface NewsJson {
  id: string;
  text: string;
  asset: string;
  source: string;
  kind: 'news' | 'social';
  published_at: string;
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads a source file and refuses it when its bytes are not the ones PROVENANCE.md describes. */
export function readVerified(path: string, expectedSha256: string, verify: boolean): string {
  const bytes = readFileSync(path);
  const got = sha256(bytes);
  if (verify && got !== expectedSha256) {
    throw new Error(`${path}: sha256 ${got} differs from ${expectedSha256} in PROVENANCE.md; pass --no-verify to import it anyway`);
  }
  return bytes.toString('utf8');
}

export async function writeJsonl(path: string, rows: Iterable<NewsJson | Outcome>): Promise<number> {
  mkdirSync(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  let n = 0;
  for (const r of rows) {
    if (!out.write(`${JSON.stringify(r)}\n`)) await new Promise<void>((res) => out.once('drain', () => res()));
    n += 1;
  }
  await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
  return n;
}

/** Text compared for duplicates: case, spacing and links do not make a tweet new. */
export function dedupeKey(asset: string, text: string): string {
  return `${asset}\u0000${text
    .toLowerCase()
    .replace(/https?:\/\/\S+/g, '')
    .replace(/\s+/g, ' ')
    .trim()}`;
}
