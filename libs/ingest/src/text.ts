/**
 * Text clean-up for untrusted producer strings. Each step reports whether it changed anything, so that the item's
 * flags say what was done to it.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const LINE_BREAKS = /\r\n?|[\u2028\u2029\u0085]/g;
/** VT and FF separate words: removing them outright would glue the words together. */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's job
const SPACING_CONTROLS = /[\u000B\u000C]/g;
/** C0 (minus \t and \n), DEL and C1. Removed rather than spaced out so that `ign\u0000ore` cannot dodge the heuristics. */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's job
const CONTROL_CHARS = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/g;
/** Zero-width characters, soft hyphen, invisible math operators, Mongolian vowel separator and the tag block (U+E0000-E007F, "ASCII smuggling"). */
const INVISIBLE_CHARS = /[\u00AD\u180E\u200B-\u200D\u2060-\u2064\uFEFF]|\uDB40[\uDC00-\uDC7F]/g;
/** Marks, embeddings, overrides and isolates that reorder what is displayed. */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const HORIZONTAL_SPACE = /[\t \u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+/g;
const ANY_SPACE = /\s+/g;

/** True when the string has characters that must never reach a key, a header or a log line unescaped. */
export function hasControlChars(s: string): boolean {
  // eslint-disable-next-line no-control-regex -- matching control characters is this function's job
  return /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/.test(s);
}

export function hasLoneSurrogates(s: string): boolean {
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.test(s);
}

export interface CleanedText {
  text: string;
  controlCharsStripped: boolean;
  invisibleCharsStripped: boolean;
  bidiControlsStripped: boolean;
  invalidUnicodeReplaced: boolean;
}

interface Step {
  text: string;
  changed: boolean;
}

function replaceAll(s: string, re: RegExp, by: string): Step {
  const text = s.replace(re, by);
  return { text, changed: text !== s };
}

/**
 * Strips what a reader cannot see, normalises to NFC and collapses whitespace. `singleLine` folds line breaks into
 * spaces (for short fields such as `source`); otherwise line structure is kept, because role markers at line starts
 * are one of the prompt-injection signals.
 */
export function cleanText(raw: string, singleLine = false): CleanedText {
  const surrogates = replaceAll(raw, LONE_SURROGATE, '\uFFFD');
  const lines = surrogates.text.replace(LINE_BREAKS, '\n');
  const spacing = replaceAll(lines, SPACING_CONTROLS, ' ');
  const controls = replaceAll(spacing.text, CONTROL_CHARS, '');
  const invisible = replaceAll(controls.text, INVISIBLE_CHARS, '');
  const bidi = replaceAll(invisible.text, BIDI_CONTROLS, '');
  const text = collapseWhitespace(bidi.text.normalize('NFC'), singleLine);
  return {
    text,
    controlCharsStripped: spacing.changed || controls.changed,
    invisibleCharsStripped: invisible.changed,
    bidiControlsStripped: bidi.changed,
    invalidUnicodeReplaced: surrogates.changed,
  };
}

function collapseWhitespace(s: string, singleLine: boolean): string {
  if (singleLine) return s.replace(ANY_SPACE, ' ').trim();
  return s
    .replace(HORIZONTAL_SPACE, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** UTF-16 index just after the first `count` code points. */
function indexAfterCodePoints(s: string, count: number): number {
  let i = 0;
  for (let n = 0; n < count && i < s.length; n++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
  }
  return i;
}

export interface Truncated {
  text: string;
  truncated: boolean;
  originalChars: number;
}

/** A cut that loses more than this share of the allowed length is made mid-word instead. */
const MIN_KEEP_AT_WORD_CUT = 0.8;

/** Cuts to `maxChars` code points, at the last whitespace when that keeps most of the allowed length. */
export function truncateAtWord(s: string, maxChars: number): Truncated {
  const originalChars = codePointLength(s);
  if (originalChars <= maxChars) return { text: s, truncated: false, originalChars };
  const hard = s.slice(0, indexAfterCodePoints(s, maxChars));
  // A cut exactly before whitespace already ends on a word boundary.
  const nextIsSpace = /\s/.test(s.charAt(hard.length));
  const lastSpace = Math.max(hard.lastIndexOf(' '), hard.lastIndexOf('\n'));
  const cut = !nextIsSpace && lastSpace >= hard.length * MIN_KEEP_AT_WORD_CUT ? hard.slice(0, lastSpace) : hard;
  return { text: cut.trimEnd(), truncated: true, originalChars };
}

/** Cuts to at most `maxUnits` UTF-16 units (what zod's `max` counts) without splitting a surrogate pair. */
export function truncateUnits(s: string, maxUnits: number): string {
  if (s.length <= maxUnits) return s;
  const c = s.charCodeAt(maxUnits - 1);
  const end = c >= 0xd800 && c <= 0xdbff ? maxUnits - 1 : maxUnits;
  return s.slice(0, end).trimEnd();
}
