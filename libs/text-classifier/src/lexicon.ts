import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Lexicon } from './tokenize.ts';

export const LEXICONS = ['none', 'vader'] as const;
export type LexiconName = (typeof LEXICONS)[number];

let vader: Map<string, number> | null = null;

/**
 * VADER's word valences (Hutto & Gilbert 2014, lexicon MIT; shipped in the `vader-sentiment` package, Apache-2.0).
 * Only plain words are kept: emoticons never survive our tokeniser. A trained model copies the map into its file, so a
 * later package upgrade cannot change what a saved model computes.
 */
export function loadVaderLexicon(): Map<string, number> {
  if (vader) return vader;
  const path = createRequire(import.meta.url).resolve('vader-sentiment/vader_lexicon.txt');
  const out = new Map<string, number>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const [word, valence] = line.split('\t');
    if (word && valence && /^[a-z][a-z']*$/.test(word)) out.set(word, Number(valence));
  }
  vader = out;
  return out;
}

export function lexiconFor(name: LexiconName): Lexicon | null {
  return name === 'vader' ? loadVaderLexicon() : null;
}
