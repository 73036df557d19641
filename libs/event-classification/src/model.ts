/**
 * The topic model: a softmax logistic regression over word n-grams (the generic pieces of @himari/sentiment-model)
 * that gives J7 its category. The file is JSON: features, training record, int16 weights, and fingerprints of the
 * training texts so that an evaluation can refuse data the model has seen.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { EventCategory } from '@himari/contracts';
import {
  Vocabulary,
  decodeFloat32,
  dequantizeInt16,
  predictSoftmaxProba,
  sha256Hex,
  unpackFingerprints,
  vectorize,
} from '@himari/sentiment-model';
import type { FeatureConfig, SoftmaxWeights } from '@himari/sentiment-model';
import { EventModelError } from './errors.ts';

export const EVENT_MODEL_FORMAT = 'himari-event-logreg';
export const EVENT_MODEL_FORMAT_VERSION = 1;

const FeatureConfigSchema = z.object({
  negation: z.boolean(),
  negationWindow: z.number().int().nonnegative(),
  wordNgramMax: z.union([z.literal(1), z.literal(2)]),
  charMin: z.number().int().positive(),
  charMax: z.number().int().nonnegative(),
  minDf: z.number().int().positive(),
  charWeight: z.number().nonnegative(),
  // Topics are about what happened, not how it is felt: no sentiment lexicon tokens.
  lexicon: z.literal('none'),
});

const TrainingInfoSchema = z.object({
  data_file: z.string(),
  data_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  rows_in_file: z.number().int().nonnegative(),
  /** Rows of topics the table excludes (not trained on, not scored). */
  excluded_rows: z.number().int().nonnegative(),
  split: z.object({ seed: z.number().int(), valid_fraction: z.number().min(0).max(1) }),
  train_rows: z.number().int().nonnegative(),
  valid_rows: z.number().int().nonnegative(),
  class_counts: z.record(z.string(), z.number().int().nonnegative()),
  l2: z.number().nonnegative(),
  class_weight: z.enum(['none', 'balanced']),
  max_iter: z.number().int().positive(),
  iterations: z.number().int().nonnegative(),
  converged: z.boolean(),
  final_loss: z.number(),
});
export type EventTrainingInfo = z.infer<typeof TrainingInfoSchema>;

const ModelFileSchema = z.object({
  format: z.literal(EVENT_MODEL_FORMAT),
  format_version: z.literal(EVENT_MODEL_FORMAT_VERSION),
  /** `<name>@<release>`; written into EventInfo.classifier. */
  name: z.string().regex(/^[a-z0-9-]+@\d+$/),
  labels: z.array(EventCategory).min(2),
  features: FeatureConfigSchema,
  training: TrainingInfoSchema,
  weight_scale: z.number().positive(),
  bias: z.array(z.number()),
  vocab: z.object({ word: z.array(z.string()), char: z.array(z.string()) }),
  /** base64, little-endian float32, one per feature. */
  idf_f32: z.string(),
  /** base64, little-endian int16, feature-major (feature f, class c at f * K + c), times weight_scale. */
  weights_i16: z.string(),
  /** Sorted 12-hex-digit fingerprints of the training texts (see @himari/sentiment-model fingerprint). */
  train_fingerprints: z.string(),
});
export type EventModelFile = z.infer<typeof ModelFileSchema>;

export interface CategoryPrediction {
  readonly category: EventCategory;
  /** The model's probability of `category`. */
  readonly probability: number;
}

export class EventTopicModel {
  readonly name: string;
  /** `sha256:` + 16 hex digits of the file's sha256. */
  readonly version: string;
  readonly sha256: string;
  readonly labels: readonly EventCategory[];
  readonly features: FeatureConfig;
  readonly training: EventTrainingInfo;
  private readonly vocab: Vocabulary;
  private readonly weights: SoftmaxWeights;
  private readonly probs: Float64Array;
  private readonly packedFingerprints: string;
  private fingerprints: Set<string> | null = null;

  constructor(file: EventModelFile, sha256: string) {
    const K = file.labels.length;
    if (new Set(file.labels).size !== K) throw new EventModelError(`labels repeat: ${file.labels.join(', ')}`);
    if (file.bias.length !== K) throw new EventModelError(`${file.bias.length} biases for ${K} labels`);
    this.name = file.name;
    this.sha256 = sha256;
    this.version = 'sha256:' + sha256.slice(0, 16);
    this.labels = file.labels;
    this.features = file.features;
    this.training = file.training;
    const size = file.vocab.word.length + file.vocab.char.length;
    const idf = decodeOrThrow(() => decodeFloat32(file.idf_f32, size, 'idf'));
    this.vocab = new Vocabulary(file.vocab, idf, null);
    this.weights = {
      classes: K,
      features: size,
      weights: decodeOrThrow(() => dequantizeInt16(file.weights_i16, file.weight_scale, size * K)),
      bias: Float64Array.from(file.bias),
    };
    this.probs = new Float64Array(K);
    this.packedFingerprints = file.train_fingerprints;
  }

  /** Probabilities in `labels` order. The array is reused by the next call: copy it to keep it. */
  probabilities(text: string): Float64Array {
    return predictSoftmaxProba(this.weights, vectorize(text, this.vocab, this.features), this.probs);
  }

  predict(text: string): CategoryPrediction {
    const p = this.probabilities(text);
    let best = 0;
    for (let c = 1; c < p.length; c++) if ((p[c] as number) > (p[best] as number)) best = c;
    return { category: this.labels[best] as EventCategory, probability: p[best] as number };
  }

  trainingFingerprints(): Set<string> {
    this.fingerprints ??= unpackFingerprints(this.packedFingerprints);
    return this.fingerprints;
  }
}

function decodeOrThrow(f: () => Float64Array): Float64Array {
  try {
    return f();
  } catch (e) {
    throw new EventModelError((e as Error).message);
  }
}

export function parseEventModel(bytes: Buffer | string, source = 'event model'): EventTopicModel {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (e) {
    throw new EventModelError(`${source}: not JSON (${(e as Error).message})`);
  }
  const parsed = ModelFileSchema.safeParse(raw);
  if (!parsed.success) throw new EventModelError(`${source}: not a ${EVENT_MODEL_FORMAT} v${EVENT_MODEL_FORMAT_VERSION} file: ${parsed.error.message}`);
  return new EventTopicModel(parsed.data, sha256Hex(bytes));
}

export function loadEventModel(path: string): EventTopicModel {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new EventModelError(`cannot read event model ${path}: ${(e as Error).message}`);
  }
  return parseEventModel(bytes, path);
}
