/**
 * The topic model: a softmax logistic regression over word n-grams (the shared core, @himari/text-classifier)
 * that gives J7 its category. The file is JSON: features, training record, int16 weights, and fingerprints of the
 * training texts so that an evaluation can refuse data the model has seen.
 */
import { z } from 'zod';
import { EventCategory } from '@himari/contracts';
import {
  FIT_RECORD_SHAPE,
  TABLES_SHAPE,
  argmax,
  decodeClassifier,
  featureConfigSchema,
  parseModelJson,
  predictProba,
  readModelBytes,
  sha256Hex,
  unpackFingerprints,
  vectorize,
} from '@himari/text-classifier';
import type { FeatureConfig, SoftmaxWeights, Vocabulary } from '@himari/text-classifier';
import { EventModelError } from './errors.ts';

export const EVENT_MODEL_FORMAT = 'himari-event-logreg';
export const EVENT_MODEL_FORMAT_VERSION = 1;
/** Name and release written into the file and into EventInfo.classifier; bump the release when the weights change. */
export const DEFAULT_EVENT_MODEL_NAME = 'topic-logreg@1';

// Topics are about what happened, not how it is felt: no sentiment lexicon tokens.
const FeatureConfigSchema = featureConfigSchema(z.literal('none'));

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
  ...FIT_RECORD_SHAPE,
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
  ...TABLES_SHAPE,
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
    ({ vocab: this.vocab, weights: this.weights } = decodeClassifier(file, K, null, fail));
    this.probs = new Float64Array(K);
    this.packedFingerprints = file.train_fingerprints;
  }

  /** Probabilities in `labels` order. The array is reused by the next call: copy it to keep it. */
  probabilities(text: string): Float64Array {
    return predictProba(this.weights, vectorize(text, this.vocab, this.features), this.probs);
  }

  predict(text: string): CategoryPrediction {
    const p = this.probabilities(text);
    const best = argmax(p);
    return { category: this.labels[best] as EventCategory, probability: p[best] as number };
  }

  trainingFingerprints(): Set<string> {
    this.fingerprints ??= unpackFingerprints(this.packedFingerprints);
    return this.fingerprints;
  }
}

const fail = (message: string, options?: ErrorOptions): Error => new EventModelError(message, options);

export function parseEventModel(bytes: Buffer | string, source = 'event model'): EventTopicModel {
  const file = parseModelJson(bytes, source, ModelFileSchema, EVENT_MODEL_FORMAT, EVENT_MODEL_FORMAT_VERSION, fail);
  return new EventTopicModel(file, sha256Hex(bytes));
}

export function loadEventModel(path: string): EventTopicModel {
  return parseEventModel(readModelBytes(path, 'event model', fail), path);
}
