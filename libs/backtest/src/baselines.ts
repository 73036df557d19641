/**
 * The baselines the pipeline is measured against, on the same items:
 * - Loughran-McDonald (2011; 2018 lists): tone = (positive − negative) / (positive + negative) word counts, 0 when
 *   the text has neither. The lists are licensed for academic use only, so they are read at run time from the
 *   caller's copy and never ship with the project.
 * - VADER (Hutto & Gilbert 2014, the `vader-sentiment` package): its compound score, untouched.
 * - Random: uniform(−1, 1) per asset and trade point, seeded, on exactly the assets and trade points the pipeline
 *   had news for.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mulberry32 } from '@himari/numeric';
import { vaderPolarityScores } from '@himari/sentiment';

export class LexiconLoadError extends Error {
  override readonly name = 'LexiconLoadError';
  readonly retryable = false;
}

export interface LoughranMcDonald {
  positive: ReadonlySet<string>;
  negative: ReadonlySet<string>;
  source: string;
}

const LM_FILES = { positive: 'LM2018_Positive.txt', negative: 'LM2018_Negative.txt' } as const;

async function wordList(path: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new LexiconLoadError(`cannot read the Loughran-McDonald list ${path}: ${(err as Error).message}`);
  }
  const words = new Set(
    text
      .split(/\r?\n/)
      .map((w) => w.trim().toUpperCase())
      .filter((w) => /^[A-Z][A-Z'-]*$/.test(w)),
  );
  if (words.size < 50) throw new LexiconLoadError(`${path} holds ${words.size} words: not a Loughran-McDonald list`);
  return words;
}

/** Reads `LM2018_Positive.txt` and `LM2018_Negative.txt` (one upper-case word a line) from a directory. */
export async function loadLoughranMcDonald(dir: string): Promise<LoughranMcDonald> {
  const [positive, negative] = await Promise.all([wordList(join(dir, LM_FILES.positive)), wordList(join(dir, LM_FILES.negative))]);
  return { positive, negative, source: dir };
}

export function lmTone(lm: LoughranMcDonald, text: string): number {
  let pos = 0;
  let neg = 0;
  for (const w of text.toUpperCase().split(/[^A-Z']+/)) {
    if (w === '') continue;
    if (lm.positive.has(w)) pos += 1;
    else if (lm.negative.has(w)) neg += 1;
  }
  return pos + neg === 0 ? 0 : (pos - neg) / (pos + neg);
}

export function vaderCompound(text: string): number {
  return vaderPolarityScores(text).compound;
}

/** A seeded stream of uniform(−1, 1) draws (mulberry32: same seed, same draws, on every machine). */
export function randomSignals(seed: number): () => number {
  const u = mulberry32(seed);
  return () => 2 * u() - 1;
}
