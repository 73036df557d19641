/**
 * Writes a tiny BERT-architecture text classifier with random (seeded) weights in the folder layout transformers.js
 * loads a Hugging Face ONNX export from (what Xenova/finbert looks like on disk):
 *
 *   DIR/config.json              model_type bert, architectures, id2label / label2id, sizes
 *   DIR/tokenizer.json           WordPiece tokenizer (tokenizers library format)
 *   DIR/tokenizer_config.json    BertTokenizer, lower case, model_max_length
 *   DIR/onnx/model.onnx          the graph: input_ids, attention_mask, token_type_ids -> logits, last_hidden_state
 *
 * The weights are random: the model's answers mean nothing, but every byte goes through the real loaders
 * (tokenizer, config, onnxruntime-node), which is what the tests need.
 *
 *   node --import tsx tools/tiny-bert/make.ts --out DIR [--labels positive,negative,neutral] [--seed N]
 *        [--layers N] [--hidden N] [--heads N] [--intermediate N] [--zero-classifier] [--extra-tokens N] [--config-vocab tokenizer|model]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildBertClassifier, type BertShape } from './bert.ts';
import { buildVocab, tokenizerConfigJson, tokenizerJson } from './tokenizer.ts';

export interface TinyBertOptions {
  out: string;
  /** id2label in id order. @default ['positive', 'negative', 'neutral'] */
  labels?: readonly string[];
  /** @default 42 */
  seed?: number;
  /** @default 2 */
  layers?: number;
  /** @default 32 */
  hidden?: number;
  /** @default 2 */
  heads?: number;
  /** Feed-forward width. @default 2 × hidden */
  intermediate?: number;
  /** All-zero classifier weights and bias: same probabilities for every input (the degenerate-model case). */
  zeroClassifier?: boolean;
  /** Tokens the tokenizer knows beyond the model's embedding table (the tokenizer/model mismatch case). @default 0 */
  extraTokens?: number;
  /**
   * Which vocabulary size config.json states: the model's embedding rows (honest, default) or the tokenizer's size
   * (a config that hides the mismatch, so that only running the graph can find it).
   */
  configVocab?: 'model' | 'tokenizer';
  /** @default 512 */
  maxPositions?: number;
}

export interface TinyBertResult {
  dir: string;
  modelFile: string;
  shape: BertShape;
  tokenizerVocabSize: number;
}

export const DEFAULT_LABELS = ['positive', 'negative', 'neutral'] as const;

/** Weights in the graph (embeddings, encoder, pooler, classifier). */
export function parameterCount(s: BertShape): number {
  const H = s.hidden;
  const embeddings = (s.vocabSize + s.maxPositions + s.typeVocabSize) * H + 2 * H;
  const layer = 4 * (H * H + H) + 2 * H + (H * s.intermediate + s.intermediate) + (s.intermediate * H + H) + 2 * H;
  return embeddings + s.layers * layer + (H * H + H) + (H * s.numLabels + s.numLabels);
}

export function writeTinyBert(opts: TinyBertOptions): TinyBertResult {
  const labels = opts.labels ?? DEFAULT_LABELS;
  const extra = opts.extraTokens ?? 0;
  const tokenizerVocab = buildVocab(extra);
  const hidden = opts.hidden ?? 32;
  const shape: BertShape = {
    vocabSize: tokenizerVocab.length - extra,
    hidden,
    layers: opts.layers ?? 2,
    heads: opts.heads ?? 2,
    intermediate: opts.intermediate ?? hidden * 2,
    maxPositions: opts.maxPositions ?? 512,
    typeVocabSize: 2,
    numLabels: labels.length,
  };
  const model = buildBertClassifier(shape, { seed: opts.seed ?? 42, zeroClassifier: opts.zeroClassifier ?? false });

  mkdirSync(join(opts.out, 'onnx'), { recursive: true });
  const modelFile = join(opts.out, 'onnx', 'model.onnx');
  writeFileSync(modelFile, model);
  writeJson(join(opts.out, 'tokenizer.json'), tokenizerJson(tokenizerVocab));
  writeJson(join(opts.out, 'tokenizer_config.json'), tokenizerConfigJson(shape.maxPositions));
  writeJson(join(opts.out, 'config.json'), {
    _name_or_path: 'himari/tiny-bert',
    architectures: ['BertForSequenceClassification'],
    model_type: 'bert',
    vocab_size: opts.configVocab === 'tokenizer' ? tokenizerVocab.length : shape.vocabSize,
    hidden_size: shape.hidden,
    num_hidden_layers: shape.layers,
    num_attention_heads: shape.heads,
    intermediate_size: shape.intermediate,
    hidden_act: 'gelu',
    max_position_embeddings: shape.maxPositions,
    type_vocab_size: shape.typeVocabSize,
    layer_norm_eps: 1e-12,
    pad_token_id: 0,
    id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
  });
  return { dir: opts.out, modelFile, shape, tokenizerVocabSize: tokenizerVocab.length };
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n');
}

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      labels: { type: 'string' },
      seed: { type: 'string' },
      layers: { type: 'string' },
      hidden: { type: 'string' },
      heads: { type: 'string' },
      intermediate: { type: 'string' },
      'zero-classifier': { type: 'boolean' },
      'extra-tokens': { type: 'string' },
      'config-vocab': { type: 'string' },
    },
  });
  if (values.out === undefined) throw new Error('usage: make.ts --out DIR [--labels a,b,c] [--seed N] [--layers N] [--hidden N]');
  const int = (s: string | undefined, what: string): number | undefined => {
    if (s === undefined) return undefined;
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${what} must be a non-negative integer, got ${s}`);
    return n;
  };
  const configVocab = values['config-vocab'];
  if (configVocab !== undefined && configVocab !== 'model' && configVocab !== 'tokenizer')
    throw new Error('--config-vocab is model or tokenizer');
  const r = writeTinyBert({
    out: values.out,
    ...(values.labels !== undefined ? { labels: values.labels.split(',').map((s) => s.trim()) } : {}),
    seed: int(values.seed, 'seed'),
    layers: int(values.layers, 'layers'),
    hidden: int(values.hidden, 'hidden'),
    heads: int(values.heads, 'heads'),
    intermediate: int(values.intermediate, 'intermediate'),
    zeroClassifier: values['zero-classifier'] ?? false,
    extraTokens: int(values['extra-tokens'], 'extra-tokens'),
    ...(configVocab !== undefined ? { configVocab } : {}),
  });
  process.stdout.write(
    `${JSON.stringify({ dir: r.dir, model: r.modelFile, ...r.shape, parameters: parameterCount(r.shape), tokenizer_vocab: r.tokenizerVocabSize })}\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`tiny-bert: ${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
