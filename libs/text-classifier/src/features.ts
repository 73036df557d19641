import { analyze, charNgrams } from './tokenize.ts';
import type { LexiconName } from './lexicon.ts';
import type { AnalyzerOptions, Lexicon } from './tokenize.ts';

/** Feature settings; they travel inside the model file so that scoring extracts exactly what training saw. */
export interface FeatureConfig extends AnalyzerOptions {
  /** 1 = word unigrams only, 2 = unigrams and bigrams. */
  wordNgramMax: 1 | 2;
  /** Character n-gram lengths inside word boundaries; charMax 0 turns character n-grams off. */
  charMin: number;
  charMax: number;
  /** Features seen in fewer training texts than this are dropped (noise, and model size). */
  minDf: number;
  /** The character block is L2-normalised on its own, then scaled by this against the word block (norm 1). */
  charWeight: number;
  /** `vader`: each word VADER rates adds a polarity token (negation flips it); see lexicon.ts. */
  lexicon: LexiconName;
}

/** Sparse feature vector: parallel arrays, indices into the vocabulary. */
export interface SparseVector {
  indices: number[];
  values: number[];
}

export interface VocabularyLists {
  word: string[];
  char: string[];
}

/**
 * Vocabulary and IDF. Word features (unigrams and bigrams share one namespace: a bigram holds a space, a unigram never
 * does) come first, character n-grams after them, each block with its own lookup so no prefix strings are built per
 * token at scoring time.
 */
export class Vocabulary {
  readonly word: Map<string, number>;
  readonly char: Map<string, number>;
  readonly size: number;
  /**
   * Word → vocabulary indices of its character n-grams. Words repeat across texts (Zipf), so scoring does one lookup
   * per word instead of one per n-gram; the cache only saves work and never changes a result.
   */
  private readonly charCache = new Map<string, Int32Array>();
  /** Scratch term counts, all zero between calls (scoring is synchronous, so one buffer per vocabulary is safe). */
  readonly scratch: Float64Array;

  constructor(
    readonly lists: VocabularyLists,
    readonly idf: Float64Array,
    /** Word valences for the lexicon tokens; null when the features use none. */
    readonly lexicon: Lexicon | null,
  ) {
    this.word = new Map(lists.word.map((w, i) => [w, i]));
    const offset = lists.word.length;
    this.char = new Map(lists.char.map((c, i) => [c, offset + i]));
    this.size = offset + lists.char.length;
    this.scratch = new Float64Array(this.size);
    if (idf.length !== this.size) throw new RangeError(`idf has ${idf.length} entries for ${this.size} features`);
  }

  charIndices(word: string, minN: number, maxN: number): Int32Array {
    const hit = this.charCache.get(word);
    if (hit) return hit;
    const grams: string[] = [];
    charNgrams(word, minN, maxN, grams);
    const found: number[] = [];
    for (const g of grams) {
      const i = this.char.get(g);
      if (i !== undefined) found.push(i);
    }
    const out = Int32Array.from(found);
    // Bounded: a stream of never-repeating tokens must not grow memory without limit.
    if (this.charCache.size >= CHAR_CACHE_MAX) this.charCache.clear();
    this.charCache.set(word, out);
    return out;
  }
}

const CHAR_CACHE_MAX = 200_000;

interface RawFeatures {
  word: string[];
  char: string[];
}

function rawFeatures(text: string, cfg: FeatureConfig, lexicon: Lexicon | null): RawFeatures {
  const a = analyze(text, cfg, lexicon ?? undefined);
  const word = cfg.wordNgramMax >= 2 ? a.unigrams.concat(a.bigrams) : a.unigrams;
  const char: string[] = [];
  if (cfg.charMax > 0) for (const w of a.charWords) charNgrams(w, cfg.charMin, cfg.charMax, char);
  return { word, char };
}

/** Counts document frequencies over the training texts and keeps features with df >= minDf, sorted for a canonical file. */
export function buildVocabulary(texts: readonly string[], cfg: FeatureConfig, lexicon: Lexicon | null): Vocabulary {
  const dfWord = new Map<string, number>();
  const dfChar = new Map<string, number>();
  for (const t of texts) {
    const f = rawFeatures(t, cfg, lexicon);
    for (const w of new Set(f.word)) dfWord.set(w, (dfWord.get(w) ?? 0) + 1);
    for (const c of new Set(f.char)) dfChar.set(c, (dfChar.get(c) ?? 0) + 1);
  }
  const keep = (df: Map<string, number>): string[] =>
    [...df.entries()]
      .filter(([, n]) => n >= cfg.minDf)
      .map(([k]) => k)
      .sort(codeUnitOrder);
  const word = keep(dfWord);
  const char = keep(dfChar);
  const n = texts.length;
  const idf = new Float64Array(word.length + char.length);
  // Smoothed IDF as in scikit-learn: ln((1+n)/(1+df)) + 1, so a feature in every text still counts a little.
  const idfOf = (df: number): number => Math.log((1 + n) / (1 + df)) + 1;
  word.forEach((w, i) => (idf[i] = idfOf(dfWord.get(w) ?? 0)));
  char.forEach((c, i) => (idf[word.length + i] = idfOf(dfChar.get(c) ?? 0)));
  return new Vocabulary({ word, char }, idf, lexicon);
}

/** Locale-independent ordering: the model file must not depend on the machine's ICU data. */
export function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Turns the counts of `touched` features into TF-IDF values, L2-normalises them to `weight`, and clears the counts. */
function flushBlock(touched: number[], vocab: Vocabulary, weight: number, out: SparseVector): void {
  if (touched.length === 0) return;
  const counts = vocab.scratch;
  const start = out.indices.length;
  let sq = 0;
  for (const i of touched) {
    // Sublinear term frequency: a word said three times is not three times the evidence.
    const v = (1 + Math.log(counts[i] as number)) * (vocab.idf[i] as number);
    counts[i] = 0;
    out.indices.push(i);
    out.values.push(v);
    sq += v * v;
  }
  const scale = weight / Math.sqrt(sq);
  for (let j = start; j < out.values.length; j++) out.values[j] = (out.values[j] as number) * scale;
  touched.length = 0;
}

function count(i: number, counts: Float64Array, touched: number[]): void {
  if (counts[i] === 0) touched.push(i);
  counts[i] = (counts[i] as number) + 1;
}

/** TF-IDF with sublinear TF; the word and character blocks are each L2-normalised (then the char block scaled). */
export function vectorize(text: string, vocab: Vocabulary, cfg: FeatureConfig): SparseVector {
  const a = analyze(text, cfg, vocab.lexicon ?? undefined);
  const out: SparseVector = { indices: [], values: [] };
  const counts = vocab.scratch;
  const touched: number[] = [];
  for (const k of a.unigrams) {
    const i = vocab.word.get(k);
    if (i !== undefined) count(i, counts, touched);
  }
  if (cfg.wordNgramMax >= 2) {
    for (const k of a.bigrams) {
      const i = vocab.word.get(k);
      if (i !== undefined) count(i, counts, touched);
    }
  }
  flushBlock(touched, vocab, 1, out);
  if (cfg.charMax > 0) {
    for (const w of a.charWords) for (const i of vocab.charIndices(w, cfg.charMin, cfg.charMax)) count(i, counts, touched);
    flushBlock(touched, vocab, cfg.charWeight, out);
  }
  return out;
}

/** Compressed sparse rows for training: one pass over memory per gradient evaluation. */
export interface CsrMatrix {
  rows: number;
  cols: number;
  rowPtr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

export function toCsr(vectors: readonly SparseVector[], cols: number): CsrMatrix {
  const nnz = vectors.reduce((s, v) => s + v.indices.length, 0);
  const rowPtr = new Int32Array(vectors.length + 1);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let k = 0;
  vectors.forEach((v, r) => {
    for (let j = 0; j < v.indices.length; j++) {
      indices[k] = v.indices[j] ?? 0;
      values[k] = v.values[j] ?? 0;
      k++;
    }
    rowPtr[r + 1] = k;
  });
  return { rows: vectors.length, cols, rowPtr, indices, values };
}
