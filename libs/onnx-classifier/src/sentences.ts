/**
 * Sentence splitting for news text. FinBERT was fine-tuned on single sentences (Financial PhraseBank) and its
 * authors advise scoring sentence by sentence, so a long article is split before scoring.
 *
 * Rules, chosen to split too little rather than too much (a wrongly split sentence loses its subject; an unsplit
 * pair is still scored sensibly):
 * - line breaks always end a sentence (headlines, bullet lists);
 * - `.`, `!`, `?` (repeats allowed, closing quotes/brackets after them) end a sentence when whitespace and then an
 *   upper-case letter, a digit, a quote, `$` or `(` follow;
 * - never after a known abbreviation (Inc., Corp., U.S., Jan., Mr., vs., ...) or a single letter (initials "J.");
 *   amounts ("EUR 3.1 mn.", "$2 bn.") are not on the list: in news they end sentences far more often than not;
 * - never inside a number ("3.5%") or a ticker such as "BRK.B", because no whitespace follows the dot.
 * Fragments without a letter or digit ("—", "...") are dropped.
 */

const ABBREVIATIONS = new Set([
  'inc',
  'corp',
  'co',
  'ltd',
  'plc',
  'llc',
  'lp',
  'llp',
  'bros',
  'cos',
  'dept',
  'est',
  'intl',
  'assn',
  'mfg',
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'sr',
  'jr',
  'st',
  'rep',
  'sen',
  'gov',
  'gen',
  'rev',
  'hon',
  'messrs',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
  'mon',
  'tue',
  'tues',
  'wed',
  'thu',
  'thurs',
  'fri',
  'sat',
  'sun',
  'vs',
  'etc',
  'approx',
  'no',
  'nos',
  'vol',
  'fig',
  'al',
  'ca',
  'cf',
  'yr',
  'yrs',
  'qtr',
  'u.s',
  'u.k',
  'e.u',
  'u.n',
  'e.g',
  'i.e',
  'a.m',
  'p.m',
  'n.y',
  'u.s.a',
]);

const BOUNDARY = /([.!?]+)(["'”’)\]]*)(\s+)(?=["“'‘$(\p{Lu}\p{N}])/gu;
const HAS_WORD = /[\p{L}\p{N}]/u;

export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n+/)) {
    for (const s of splitLine(line)) {
      const t = s.replace(/\s+/g, ' ').trim();
      if (HAS_WORD.test(t)) out.push(t);
    }
  }
  return out;
}

function splitLine(line: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (const m of line.matchAll(BOUNDARY)) {
    const punct = m[1] as string;
    const end = (m.index as number) + punct.length + (m[2] as string).length;
    if (punct === '.' && isAbbreviation(line.slice(start, m.index))) continue;
    parts.push(line.slice(start, end));
    start = end + (m[3] as string).length;
  }
  parts.push(line.slice(start));
  return parts;
}

/** The word before a single period: an abbreviation or an initial keeps the sentence going. */
function isAbbreviation(before: string): boolean {
  const word = /(\S+)$/.exec(before)?.[1];
  if (word === undefined) return false;
  const w = word.replace(/^["“'‘(]+/, '').toLowerCase();
  return ABBREVIATIONS.has(w) || /^\p{L}$/u.test(w);
}
