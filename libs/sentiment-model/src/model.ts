import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { SentimentScore } from '@himari/contracts';
import { sha256Hex } from './csv.ts';
import { SentimentModelError } from './errors.ts';
import { Vocabulary, vectorize } from './features.ts';
import type { FeatureConfig } from './features.ts';
import { unpackFingerprints } from './fingerprint.ts';
import { LABELS, NUM_CLASSES } from './labels.ts';
import { LEXICONS } from './lexicon.ts';
import type { Label } from './labels.ts';
import { predictProba } from './logreg.ts';
import type { SoftmaxWeights } from './logreg.ts';

export const MODEL_FORMAT = 'himari-sentiment-logreg';
export const MODEL_FORMAT_VERSION = 1;

const LabelSchema = z.enum(LABELS);
const FeatureConfigSchema = z.object({
  negation: z.boolean(),
  negationWindow: z.number().int().nonnegative(),
  wordNgramMax: z.union([z.literal(1), z.literal(2)]),
  charMin: z.number().int().positive(),
  charMax: z.number().int().nonnegative(),
  minDf: z.number().int().positive(),
  charWeight: z.number().nonnegative(),
  lexicon: z.enum(LEXICONS),
});

const TrainingInfoSchema = z.object({
  data_file: z.string(),
  data_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  data_format: z.enum(['tfns', 'phrasebank']),
  rows_in_file: z.number().int().nonnegative(),
  /** PhraseBank: only rows at or above this agreement were used (train and validation); null = all rows. */
  min_agreement: z.number().nullable(),
  split: z.object({ seed: z.number().int(), valid_fraction: z.number().min(0).max(1) }),
  train_rows: z.number().int().nonnegative(),
  valid_rows: z.number().int().nonnegative(),
  class_counts: z.record(LabelSchema, z.number().int().nonnegative()),
  l2: z.number().nonnegative(),
  class_weight: z.enum(['none', 'balanced']),
  max_iter: z.number().int().positive(),
  iterations: z.number().int().nonnegative(),
  converged: z.boolean(),
  final_loss: z.number(),
});
export type TrainingInfo = z.infer<typeof TrainingInfoSchema>;

const ModelFileSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  format_version: z.literal(MODEL_FORMAT_VERSION),
  name: z.string().min(1),
  labels: z.tuple([z.literal('negative'), z.literal('neutral'), z.literal('positive')]),
  features: FeatureConfigSchema,
  training: TrainingInfoSchema,
  /** Quantisation: weight = int16 * weight_scale. */
  weight_scale: z.number().positive(),
  bias: z.array(z.number()).length(NUM_CLASSES),
  /** The word valences behind the lexicon tokens, copied in at training time; null when features.lexicon is none. */
  lexicon: z.record(z.string(), z.number()).nullable(),
  vocab: z.object({ word: z.array(z.string()), char: z.array(z.string()) }),
  /** base64, little-endian float32, one per feature. */
  idf_f32: z.string(),
  /** base64, little-endian int16, feature-major (feature f, class c at f * 3 + c). */
  weights_i16: z.string(),
  /** Sorted 12-hex-digit fingerprints of the training texts, concatenated (see fingerprint.ts). */
  train_fingerprints: z.string(),
});
export type ModelFile = z.infer<typeof ModelFileSchema>;

export function encodeFloat32(xs: ArrayLike<number>): string {
  const b = Buffer.alloc(xs.length * 4);
  for (let i = 0; i < xs.length; i++) b.writeFloatLE(xs[i] as number, i * 4);
  return b.toString('base64');
}

export function decodeFloat32(s: string, expected: number, what: string): Float64Array {
  const b = Buffer.from(s, 'base64');
  if (b.length !== expected * 4) throw new SentimentModelError(`${what}: ${b.length} bytes, expected ${expected * 4}`);
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
  if (b.length !== expected * 2) throw new SentimentModelError(`weights: ${b.length} bytes, expected ${expected * 2}`);
  const out = new Float64Array(expected);
  for (let i = 0; i < expected; i++) out[i] = b.readInt16LE(i * 2) * scale;
  return out;
}

/** The scorer kind this lib reports in SentimentScore.scorer. */
export const SCORER_KIND = 'trained' as const;

/**
 * A loaded model. `compound` = P(positive) − P(negative): in [−1, 1], 0 when the two are equally likely, and it
 * shrinks towards 0 as the neutral probability grows, so it reads as "net directional conviction".
 */
export class TrainedSentimentModel {
  readonly name: string;
  /** `sha256:` + the first 16 hex digits of the model file's sha256: changes whenever any byte of the file does. */
  readonly version: string;
  readonly sha256: string;
  readonly features: FeatureConfig;
  readonly training: TrainingInfo;
  readonly vocab: Vocabulary;
  readonly weights: SoftmaxWeights;
  private readonly packedFingerprints: string;
  private fingerprints: Set<string> | null = null;
  private readonly probs = new Float64Array(NUM_CLASSES);

  constructor(file: ModelFile, sha256: string) {
    this.name = file.name;
    this.sha256 = sha256;
    this.version = 'sha256:' + sha256.slice(0, 16);
    this.features = file.features;
    this.training = file.training;
    const size = file.vocab.word.length + file.vocab.char.length;
    if ((file.lexicon === null) !== (file.features.lexicon === 'none')) throw new SentimentModelError(`features.lexicon is ${file.features.lexicon} but the file ${file.lexicon ? 'has' : 'lacks'} a lexicon`);
    const lexicon = file.lexicon ? new Map(Object.entries(file.lexicon)) : null;
    this.vocab = new Vocabulary(file.vocab, decodeFloat32(file.idf_f32, size, 'idf'), lexicon);
    this.weights = {
      classes: NUM_CLASSES,
      features: size,
      weights: dequantizeInt16(file.weights_i16, file.weight_scale, size * NUM_CLASSES),
      bias: Float64Array.from(file.bias),
    };
    this.packedFingerprints = file.train_fingerprints;
  }

  /** Probabilities in LABELS order (negative, neutral, positive). Returns a fresh array. */
  predictProba(text: string): Float64Array {
    return Float64Array.from(predictProba(this.weights, vectorize(text, this.vocab, this.features), this.probs));
  }

  predictLabel(text: string): Label {
    const p = predictProba(this.weights, vectorize(text, this.vocab, this.features), this.probs);
    return argmaxLabel(p);
  }

  score(text: string): SentimentScore {
    const p = predictProba(this.weights, vectorize(text, this.vocab, this.features), this.probs);
    const [neg, neu, pos] = [p[0] as number, p[1] as number, p[2] as number];
    return {
      label: argmaxLabel(p),
      probabilities: { positive: pos, negative: neg, neutral: neu },
      compound: pos - neg,
      scorer: SCORER_KIND,
      model: this.name,
      model_version: this.version,
    };
  }

  scoreBatch(texts: readonly string[]): SentimentScore[] {
    return texts.map((t) => this.score(t));
  }

  /** Fingerprints of the texts the model was trained on (see fingerprint.ts), for overlap checks. */
  trainingFingerprints(): Set<string> {
    this.fingerprints ??= unpackFingerprints(this.packedFingerprints);
    return this.fingerprints;
  }
}

export function argmaxLabel(p: Float64Array): Label {
  let best = 0;
  for (let c = 1; c < NUM_CLASSES; c++) if ((p[c] as number) > (p[best] as number)) best = c;
  return LABELS[best] as Label;
}

export function parseSentimentModel(bytes: Buffer | string, source = 'model'): TrainedSentimentModel {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (e) {
    throw new SentimentModelError(`${source}: not JSON (${(e as Error).message})`);
  }
  const parsed = ModelFileSchema.safeParse(raw);
  if (!parsed.success) throw new SentimentModelError(`${source}: not a ${MODEL_FORMAT} v${MODEL_FORMAT_VERSION} file: ${parsed.error.message}`);
  return new TrainedSentimentModel(parsed.data, sha256Hex(bytes));
}

export function loadSentimentModel(path: string): TrainedSentimentModel {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new SentimentModelError(`cannot read sentiment model ${path}: ${(e as Error).message}`);
  }
  return parseSentimentModel(bytes, path);
}
