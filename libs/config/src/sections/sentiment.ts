/** J5 settings: which sentiment model scores the news, and how the ONNX classifier runs (owned by the J5 work). */
import { z } from 'zod';

export const SentimentBackend = z.enum(['auto', 'onnx', 'trained', 'lexicon']);
export type SentimentBackend = z.infer<typeof SentimentBackend>;

const OnnxSelfCheck = z
  .object({
    /** Score probe sentences at load and refuse a model that answers them all alike. @default true */
    enabled: z.boolean().default(true),
    /**
     * Least spread (largest max−min of any class probability across the probes) a working model shows; a broken
     * port that answers one label with the same probabilities for everything falls below it. @default 0.05
     */
    min_spread: z.number().min(0).max(1).default(0.05),
    /**
     * Also require P(pos) > P(neg) on the clearly positive probes and the reverse on the clearly negative ones.
     * Right for a trained financial model (FinBERT); turn off for random-weight test models. @default true
     */
    expect_direction: z.boolean().default(true),
  })
  .prefault({});

const OnnxSection = z
  .object({
    /** Local model directory (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx); relative to the working directory. */
    path: z.string().min(1).nullable().default(null),
    /** Hugging Face hub id, e.g. `Xenova/finbert`; used when `path` is null. */
    hub_id: z.string().min(1).nullable().default(null),
    /** Let a hub id download. Off by default: the sidecar runs offline unless told otherwise. @default false */
    allow_remote: z.boolean().default(false),
    revision: z.string().min(1).default('main'),
    /** Where downloaded hub files are kept; null: transformers.js's own cache folder. */
    cache_dir: z.string().min(1).nullable().default(null),
    /** `fp32` loads onnx/model.onnx, `q8` onnx/model_quantized.onnx. @default fp32 */
    dtype: z.enum(['fp32', 'q8']).default('fp32'),
    /** Sentences per inference call. @default 16 */
    batch_size: z.number().int().min(1).max(1024).default(16),
    /** How long the micro-batcher waits for a batch to fill before running a partial one. @default 5 */
    batch_wait_ms: z.number().min(0).max(10_000).default(5),
    /** Tokens per sentence, [CLS] and [SEP] included; longer sentences are truncated. @default 128 */
    max_length: z.number().int().min(8).max(4096).default(128),
    /** onnxruntime intra-op threads; 0: onnxruntime's default (all cores). @default 1 */
    threads: z.number().int().min(0).max(256).default(1),
    /** Score each sentence of a text and aggregate (FinBERT was trained on single sentences). @default true */
    split_sentences: z.boolean().default(true),
    /** Sentences scored per text; the lead of an article carries its news. @default 32 */
    max_sentences: z.number().int().min(1).max(10_000).default(32),
    /** How sentence scores become one score (see libs/onnx-classifier/README.md). @default length_weighted_mean */
    aggregation: z.enum(['length_weighted_mean', 'max_abs_compound']).default('length_weighted_mean'),
    /** `pos_minus_neg`: P(pos) − P(neg) (ProsusAI); `scaled_by_non_neutral`: that × (1 − P(neutral)) (the design). */
    compound: z.enum(['pos_minus_neg', 'scaled_by_non_neutral']).default('pos_minus_neg'),
    self_check: OnnxSelfCheck,
  })
  .prefault({});

export const SentimentSection = z
  .object({
    /**
     * `auto`: the ONNX model when one is configured and its files are there, else the trained model, else the
     * lexicon (each fallback logged as a warning). `onnx` / `trained` / `lexicon`: that one, and a start-up error
     * when it cannot load. @default auto
     */
    backend: SentimentBackend.default('auto'),
    onnx: OnnxSection,
    trained: z
      .object({
        /** The trained model file; null: the committed models/sentiment/tfns-logreg.json. */
        path: z.string().min(1).nullable().default(null),
      })
      .prefault({}),
  })
  .prefault({});
