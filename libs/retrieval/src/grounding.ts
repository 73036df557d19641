/**
 * Lexical grounding checks for what a language model wrote: an entity is grounded when its words occur, in order and
 * as whole words, in a supporting text (a cashtag `$AAPL` and `AAPL` are the same); a claim when one supporting text
 * holds at least `minCoverage` of its content words and every number it states. Deliberately strict and explainable:
 * the LLM actors use it to cap the confidence of signals whose reasoning cites things the sources do not say.
 */
import { words } from '@himari/embeddings';

const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or but if then than so of to in on at by for with from into over under about as is are was were be been being ' +
    "has have had do does did will would shall should can could may might must this that these those it its it's they them their " +
    'he she his her we our you your i me my not no yes also just very more most less least up down out off again further once ' +
    'there here what which who whom whose when where why how all any both each few other some such only own same too s t'
  ).split(' '),
);

function norm(w: string): string {
  return w.replace(/^\$/, '');
}

export interface TextIndex {
  words: string[];
  set: Set<string>;
  numbers: Set<string>;
}

export function indexText(text: string): TextIndex {
  const w = words(text).map(norm);
  return { words: w, set: new Set(w), numbers: new Set(w.filter((x) => /\d/.test(x))) };
}

export function entityIn(entity: string, t: TextIndex): boolean {
  const e = words(entity).map(norm);
  if (e.length === 0) return false;
  outer: for (let i = 0; i + e.length <= t.words.length; i++) {
    for (let j = 0; j < e.length; j++) if (t.words[i + j] !== e[j]) continue outer;
    return true;
  }
  return false;
}

export interface ClaimSupport {
  coverage: number;
  missingNumbers: string[];
}

export function claimSupport(claim: string, t: TextIndex): ClaimSupport {
  const w = words(claim).map(norm);
  const numbers = [...new Set(w.filter((x) => /\d/.test(x)))];
  const content = [...new Set(w.filter((x) => !/\d/.test(x) && !STOPWORDS.has(x)))];
  const found = content.filter((x) => t.set.has(x)).length;
  return {
    coverage: content.length ? found / content.length : numbers.length ? 1 : 0,
    missingNumbers: numbers.filter((n) => !t.numbers.has(n)),
  };
}

export function claimGrounded(s: ClaimSupport, minCoverage: number): boolean {
  return s.coverage >= minCoverage && s.missingNumbers.length === 0;
}
