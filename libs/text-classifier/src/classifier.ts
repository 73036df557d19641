/**
 * The label-set-agnostic half of a trained text classifier: TF-IDF n-gram features, a softmax logistic regression
 * fitted by full-batch L-BFGS, and the JSON model file around it (int16 weights, float32 idf, training-text
 * fingerprints). The sentiment model and J7's topic model are both this, with their own labels and file format name.
 * Every error about a file goes through the caller's `fail`, so each model reports in its own error type.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { Vocabulary, buildVocabulary, toCsr, vectorize } from './features.ts';
import type { FeatureConfig, VocabularyLists } from './features.ts';
import { packFingerprints } from './fingerprint.ts';
import { lexiconFor } from './lexicon.ts';
import type { Lexicon } from './tokenize.ts';
import { trainNbOvr, trainSoftmax } from './logreg.ts';
import type { SoftmaxWeights } from './logreg.ts';

export interface ClassifierHyper {
  /** L2 penalty per unit of mean cross-entropy (≈ 1 / (C · n) in scikit-learn terms). */
  l2: number;
  /** `balanced`: each class weighs n / (K · n_class); `none`: every example weighs 1. */
  classWeight: 'none' | 'balanced';
  maxIter: number;
  /**
   * `softmax` (default): one multinomial logistic regression. `nb-ovr`: NB-weighted one-vs-rest logistic regressions
   * (NBSVM), folded into the same weight table (see trainNbOvr).
   */
  method?: ClassifierMethod;
  /** `nb-ovr` only: β, how far features move from 1 towards their NB log-count ratio (default 0.5). */
  nbInterpolation?: number;
}

export const CLASSIFIER_METHODS = ['softmax', 'nb-ovr'] as const;
export type ClassifierMethod = (typeof CLASSIFIER_METHODS)[number];
export const DEFAULT_NB_INTERPOLATION = 0.5;

export interface ClassifierFit {
  vocab: Vocabulary;
  weights: SoftmaxWeights;
  iterations: number;
  converged: boolean;
  loss: number;
}

/** Per-example weights for `balanced` (n / (K · n_class)); null for `none`. `y` holds class indices 0..classes-1. */
export function balancedClassWeights(y: Uint8Array, classes: number, mode: ClassifierHyper['classWeight']): Float64Array | null {
  if (mode === 'none') return null;
  const counts = new Array<number>(classes).fill(0);
  for (const c of y) counts[c] = (counts[c] ?? 0) + 1;
  return Float64Array.from(y, (c) => y.length / (classes * (counts[c] ?? 1)));
}

/** Vocabulary and weights from texts and their class indices; no I/O. */
export function fitTextClassifier(
  texts: readonly string[],
  y: Uint8Array,
  classes: number,
  features: FeatureConfig,
  lexicon: Lexicon | null,
  hyper: ClassifierHyper,
  onIter?: (iter: number, loss: number) => void,
): ClassifierFit {
  const vocab = buildVocabulary(texts, features, lexicon);
  const X = toCsr(
    texts.map((t) => vectorize(t, vocab, features)),
    vocab.size,
  );
  const res =
    (hyper.method ?? 'softmax') === 'nb-ovr'
      ? trainNbOvr(X, y, {
          classes,
          l2: hyper.l2,
          maxIter: hyper.maxIter,
          classWeight: hyper.classWeight,
          nbInterpolation: hyper.nbInterpolation ?? DEFAULT_NB_INTERPOLATION,
          nbAlpha: 1,
          ...(onIter ? { onIter } : {}),
        })
      : trainSoftmax(X, y, {
          classes,
          l2: hyper.l2,
          maxIter: hyper.maxIter,
          sampleWeight: balancedClassWeights(y, classes, hyper.classWeight),
          ...(onIter ? { onIter } : {}),
        });
  return { vocab, weights: res.model, iterations: res.iterations, converged: res.converged, loss: res.loss };
}

/** fitTextClassifier over labelled rows: classes are `labels` in that order, the lexicon is the one `features` names. */
export function fitLabelledRows<L extends string>(
  rows: readonly { readonly text: string; readonly label: L }[],
  labels: readonly L[],
  features: FeatureConfig,
  hyper: ClassifierHyper,
  onIter?: (iter: number, loss: number) => void,
): ClassifierFit {
  const index = new Map<string, number>(labels.map((l, i) => [l, i]));
  const y = Uint8Array.from(rows, (r) => {
    const i = index.get(r.label);
    if (i === undefined) throw new RangeError(`label ${JSON.stringify(r.label)} is not one of ${labels.join(', ')}`);
    return i;
  });
  return fitTextClassifier(
    rows.map((r) => r.text),
    y,
    labels.length,
    features,
    lexiconFor(features.lexicon),
    hyper,
    onIter,
  );
}

/** The most probable class; the first one wins a tie. */
export function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < p.length; c++) if ((p[c] as number) > (p[best] as number)) best = c;
  return best;
}

export function encodeFloat32(xs: ArrayLike<number>): string {
  const b = Buffer.alloc(xs.length * 4);
  for (let i = 0; i < xs.length; i++) b.writeFloatLE(xs[i] as number, i * 4);
  return b.toString('base64');
}

export function decodeFloat32(s: string, expected: number, what: string): Float64Array {
  const b = Buffer.from(s, 'base64');
  if (b.length !== expected * 4) throw new RangeError(`${what}: ${b.length} bytes, expected ${expected * 4}`);
  const out = new Float64Array(expected);
  for (let i = 0; i < expected; i++) out[i] = b.readFloatLE(i * 4);
  return out;
}

/** Symmetric int16 quantisation against the largest weight: the error (< 1/65534 of it) is far below what matters. */
export function quantizeInt16(w: Float64Array): { data: string; scale: number } {
  let max = 0;
  for (let i = 0; i < w.length; i++) max = Math.max(max, Math.abs(w[i] as number));
  const scale = Math.fround(max > 0 ? max / 32767 : 1);
  const b = Buffer.alloc(w.length * 2);
  for (let i = 0; i < w.length; i++) b.writeInt16LE(Math.max(-32767, Math.min(32767, Math.round((w[i] as number) / scale))), i * 2);
  return { data: b.toString('base64'), scale };
}

export function dequantizeInt16(s: string, scale: number, expected: number): Float64Array {
  const b = Buffer.from(s, 'base64');
  if (b.length !== expected * 2) throw new RangeError(`weights: ${b.length} bytes, expected ${expected * 2}`);
  const out = new Float64Array(expected);
  for (let i = 0; i < expected; i++) out[i] = b.readInt16LE(i * 2) * scale;
  return out;
}

/** The feature settings as a model file stores them; `lexicon` is what the format allows. */
export function featureConfigSchema<L extends z.ZodType>(lexicon: L) {
  return z.object({
    negation: z.boolean(),
    negationWindow: z.number().int().nonnegative(),
    wordNgramMax: z.union([z.literal(1), z.literal(2)]),
    charMin: z.number().int().positive(),
    charMax: z.number().int().nonnegative(),
    minDf: z.number().int().positive(),
    charWeight: z.number().nonnegative(),
    lexicon,
  });
}

/** The fit's part of a file's `training` record; spread last into it. */
export const FIT_RECORD_SHAPE = {
  l2: z.number().nonnegative(),
  class_weight: z.enum(['none', 'balanced']),
  max_iter: z.number().int().positive(),
  /** Absent in files written before the method existed: those are all `softmax`. */
  method: z.enum(CLASSIFIER_METHODS).default('softmax'),
  nb_interpolation: z.number().min(0).max(1).nullable().default(null),
  iterations: z.number().int().nonnegative(),
  converged: z.boolean(),
  final_loss: z.number(),
} as const;

/** The tables after the weights: what `classifierTables` writes and `decodeClassifier` reads. */
export const TABLES_SHAPE = {
  vocab: z.object({ word: z.array(z.string()), char: z.array(z.string()) }),
  /** base64, little-endian float32, one per feature. */
  idf_f32: z.string(),
  /** base64, little-endian int16, feature-major (feature f, class c at f * K + c), times weight_scale. */
  weights_i16: z.string(),
  /** Sorted 12-hex-digit fingerprints of the training texts, concatenated (see fingerprint.ts). */
  train_fingerprints: z.string(),
} as const;

/** The `training` keys that fitRecord fills in. */
export type FitRecordKey = keyof typeof FIT_RECORD_SHAPE;

export function fitRecord(hyper: ClassifierHyper, fit: ClassifierFit) {
  return {
    l2: hyper.l2,
    class_weight: hyper.classWeight,
    max_iter: hyper.maxIter,
    method: hyper.method ?? 'softmax',
    nb_interpolation: (hyper.method ?? 'softmax') === 'nb-ovr' ? (hyper.nbInterpolation ?? DEFAULT_NB_INTERPOLATION) : null,
    iterations: fit.iterations,
    converged: fit.converged,
    final_loss: Number(fit.loss.toPrecision(8)),
  };
}

/**
 * The weights and tables of a model file, in file order; `between` (e.g. the sentiment model's lexicon) goes after
 * the bias. Field order is fixed and no clock or path enters it: same inputs, same bytes.
 */
export function classifierTables<B extends object>(fit: ClassifierFit, trainTexts: readonly string[], between: B) {
  const q = quantizeInt16(fit.weights.weights);
  return {
    weight_scale: q.scale,
    bias: Array.from(fit.weights.bias, (b) => Math.fround(b)),
    ...between,
    vocab: fit.vocab.lists,
    idf_f32: encodeFloat32(fit.vocab.idf),
    weights_i16: q.data,
    train_fingerprints: packFingerprints(trainTexts),
  };
}

export interface ClassifierTables {
  weight_scale: number;
  bias: number[];
  vocab: VocabularyLists;
  idf_f32: string;
  weights_i16: string;
}

/** Makes the caller's own error type for a model file that cannot be read, parsed or trusted. */
export type FailWith = (message: string, options?: ErrorOptions) => Error;

/** Vocabulary and weights back from a parsed file; `fail` when a table has the wrong size. */
export function decodeClassifier(
  file: ClassifierTables,
  classes: number,
  lexicon: Lexicon | null,
  fail: FailWith,
): { vocab: Vocabulary; weights: SoftmaxWeights } {
  try {
    const size = file.vocab.word.length + file.vocab.char.length;
    const vocab = new Vocabulary(file.vocab, decodeFloat32(file.idf_f32, size, 'idf'), lexicon);
    const weights: SoftmaxWeights = {
      classes,
      features: size,
      weights: dequantizeInt16(file.weights_i16, file.weight_scale, size * classes),
      bias: Float64Array.from(file.bias),
    };
    return { vocab, weights };
  } catch (e) {
    throw fail((e as Error).message, { cause: e });
  }
}

/** JSON, then the format's schema; `fail` makes the caller's own error type. */
export function parseModelJson<T>(
  bytes: Buffer | string,
  source: string,
  schema: z.ZodType<T>,
  format: string,
  version: number,
  fail: FailWith,
): T {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (e) {
    throw fail(`${source}: not JSON (${(e as Error).message})`, { cause: e });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw fail(`${source}: not a ${format} v${version} file: ${parsed.error.message}`);
  return parsed.data;
}

/** The file's bytes; `what` names the model in the error ("sentiment model", "event model"). */
export function readModelBytes(path: string, what: string, fail: FailWith): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw fail(`cannot read ${what} ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** Writes a model file or report, creating its folder first. */
export function writeTextFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
