import { z } from 'zod';
import type { SentimentScore } from '@himari/contracts';
import {
  FIT_RECORD_SHAPE,
  LEXICONS,
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
import { SentimentModelError } from './errors.ts';
import { LABELS, NUM_CLASSES } from './labels.ts';
import type { Label } from './labels.ts';

export const MODEL_FORMAT = 'himari-sentiment-logreg';
export const MODEL_FORMAT_VERSION = 1;

const LabelSchema = z.enum(LABELS);
const FeatureConfigSchema = featureConfigSchema(z.enum(LEXICONS));

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
  ...FIT_RECORD_SHAPE,
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
  ...TABLES_SHAPE,
});
export type ModelFile = z.infer<typeof ModelFileSchema>;

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
    if ((file.lexicon === null) !== (file.features.lexicon === 'none'))
      throw new SentimentModelError(
        `features.lexicon is ${file.features.lexicon} but the file ${file.lexicon ? 'has' : 'lacks'} a lexicon`,
      );
    const lexicon = file.lexicon ? new Map(Object.entries(file.lexicon)) : null;
    ({ vocab: this.vocab, weights: this.weights } = decodeClassifier(file, NUM_CLASSES, lexicon, fail));
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
  return LABELS[argmax(p)] as Label;
}

const fail = (message: string, options?: ErrorOptions): Error => new SentimentModelError(message, options);

export function parseSentimentModel(bytes: Buffer | string, source = 'model'): TrainedSentimentModel {
  const file = parseModelJson(bytes, source, ModelFileSchema, MODEL_FORMAT, MODEL_FORMAT_VERSION, fail);
  return new TrainedSentimentModel(file, sha256Hex(bytes));
}

export function loadSentimentModel(path: string): TrainedSentimentModel {
  return parseSentimentModel(readModelBytes(path, 'sentiment model', fail), path);
}
