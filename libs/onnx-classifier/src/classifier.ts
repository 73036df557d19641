/**
 * A Hugging Face text-classification model in ONNX form, loaded through transformers.js (`@huggingface/transformers`,
 * which runs onnxruntime-node on the CPU): tokenizer, config and graph from the same folder or hub id.
 *
 * Load order, each step failing loudly with its own error:
 * 1. the files are there (local folder) or may be fetched (hub id with `allow_remote`);
 * 2. `id2label` maps onto positive/negative/neutral (never assumed: FinBERT's order is positive, negative, neutral;
 *    other exports differ);
 * 3. tokenizer ids fit the model: the largest id is below config.json's `vocab_size`, and one forward pass of the
 *    largest id runs (a graph with a smaller embedding table than its config claims fails here, not in production);
 * 4. the graph gives one logit per label; `max_length` fits `max_position_embeddings`;
 * 5. the self-check (self-check.ts) on probe sentences.
 */
import { AutoConfig, AutoModelForSequenceClassification, AutoTokenizer, env, Tensor } from '@huggingface/transformers';
import type { SentimentScore } from '@himari/contracts';
import { aggregate, argmaxLabel, compoundOf, type Probabilities, type SentenceProbs } from './aggregate.ts';
import {
  OnnxClassifierError,
  OnnxConfigError,
  OnnxDegenerateModelError,
  OnnxEmbeddingUnavailableError,
  OnnxInferenceError,
  OnnxModelMismatchError,
  OnnxModelNotFoundError,
} from './errors.ts';
import { mapId2Label, SENTIMENT_LABELS, type LabelIndex } from './labels.ts';
import type { OnnxClassifierOptions } from './options.ts';
import { judgeProbes, PROBES, type SelfCheckReport } from './self-check.ts';
import { splitSentences } from './sentences.ts';
import {
  checkLocalFolder,
  describeSource,
  fileVersion,
  hubCachedFile,
  modelFileName,
  modelName,
  resolveSource,
  type ModelSource,
} from './source.ts';

/** The scorer kind reported in SentimentScore.scorer. */
export const ONNX_SCORER_KIND = 'onnx' as const;

interface Encoded {
  input_ids: Tensor;
  attention_mask: Tensor;
  token_type_ids?: Tensor;
}

/** The slice of transformers.js's tokenizer this lib uses. */
interface Tokenizer {
  (texts: string[], opts: { padding: boolean; truncation: boolean; max_length: number }): Encoded;
  get_vocab(): Map<string, number> | Record<string, number>;
}

interface Model {
  forward(inputs: Record<string, Tensor>): Promise<Record<string, Tensor | undefined>>;
  dispose(): Promise<unknown>;
}

interface ModelConfig {
  id2label?: unknown;
  vocab_size?: unknown;
  max_position_embeddings?: unknown;
  model_type?: unknown;
  hidden_size?: unknown;
}

export interface OnnxClassifierInfo {
  name: string;
  version: string;
  source: string;
  /** The model's own id2label, as read. */
  id2label: Record<string, string>;
  labelIndex: LabelIndex;
  modelType: string;
  vocabSize: number | null;
  hiddenSize: number | null;
  maxLength: number;
  dtype: OnnxClassifierOptions['dtype'];
  threads: number;
  loadMs: number;
  selfCheck: SelfCheckReport | null;
}

export interface LoadOptions {
  /** transformers.js's file cache for hub downloads; null: its default. */
  cacheDir?: string | null;
}

export async function loadOnnxClassifier(opts: OnnxClassifierOptions, load: LoadOptions = {}): Promise<OnnxClassifier> {
  const started = performance.now();
  const source = resolveSource(opts);
  const offline = !(source.kind === 'hub' && opts.allow_remote);
  const cacheDir = load.cacheDir ?? opts.cache_dir ?? env.cacheDir ?? null;
  if (source.kind === 'local') checkLocalFolder(source.dir, opts.dtype);
  const where = source.kind === 'local' ? source.dir : source.id;
  const pretrained = {
    local_files_only: offline,
    revision: opts.revision,
    ...(opts.cache_dir !== null ? { cache_dir: opts.cache_dir } : {}),
  };

  const config = (await step(source, opts, 'config.json', () => AutoConfig.from_pretrained(where, pretrained))) as ModelConfig;
  const labelIndex = mapId2Label(config.id2label);
  const maxPositions = positiveInt(config.max_position_embeddings);
  if (maxPositions !== null && opts.max_length > maxPositions) {
    throw new OnnxConfigError(`sentiment.onnx.max_length ${opts.max_length} exceeds the model's max_position_embeddings ${maxPositions}`);
  }
  const tokenizer = (await step(source, opts, 'tokenizer', () => AutoTokenizer.from_pretrained(where, pretrained))) as unknown as Tokenizer;
  const maxTokenId = largestTokenId(tokenizer);
  const vocabSize = positiveInt(config.vocab_size);
  if (vocabSize !== null && maxTokenId >= vocabSize) {
    throw new OnnxModelMismatchError(
      `tokenizer/model mismatch in ${describeSource(source)}: the tokenizer has token ids up to ${maxTokenId} but the model's vocab_size is ${vocabSize}`,
    );
  }
  const model = (await step(source, opts, modelFileName(opts.dtype), () =>
    AutoModelForSequenceClassification.from_pretrained(where, {
      ...pretrained,
      dtype: opts.dtype,
      device: 'cpu',
      session_options: opts.threads > 0 ? { intraOpNumThreads: opts.threads, interOpNumThreads: 1 } : {},
    }),
  )) as unknown as Model;

  const version = await modelVersion(source, opts, cacheDir);
  const classifier = new OnnxClassifier(
    tokenizer,
    model,
    {
      name: modelName(source),
      version,
      source: describeSource(source),
      id2label: Object.fromEntries(Object.entries(config.id2label as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
      labelIndex,
      modelType: String(config.model_type ?? 'unknown'),
      vocabSize,
      hiddenSize: positiveInt(config.hidden_size),
      maxLength: opts.max_length,
      dtype: opts.dtype,
      threads: opts.threads,
      loadMs: 0,
      selfCheck: null,
    },
    opts,
  );
  try {
    await classifier.checkShapes(maxTokenId);
    if (opts.self_check.enabled) {
      const report = judgeProbes(PROBES, await classifier.classify(PROBES.map((p) => p.text)), opts.self_check);
      classifier.info.selfCheck = report;
      if (!report.passed) {
        throw new OnnxDegenerateModelError(`ONNX model ${describeSource(source)} failed its self-check: ${report.problems.join('; ')}`);
      }
    }
  } catch (e) {
    await classifier.dispose();
    throw e;
  }
  classifier.info.loadMs = performance.now() - started;
  return classifier;
}

export class OnnxClassifier {
  readonly info: OnnxClassifierInfo;
  private readonly tokenizer: Tokenizer;
  private readonly model: Model;
  private readonly opts: OnnxClassifierOptions;
  private disposed = false;

  constructor(tokenizer: Tokenizer, model: Model, info: OnnxClassifierInfo, opts: OnnxClassifierOptions) {
    this.tokenizer = tokenizer;
    this.model = model;
    this.info = info;
    this.opts = opts;
  }

  get name(): string {
    return this.info.name;
  }

  get version(): string {
    return this.info.version;
  }

  /** Class probabilities of each text taken whole (truncated to max_length), index for index. */
  async classify(texts: readonly string[]): Promise<Probabilities[]> {
    return (await this.classifyWithLengths(texts)).map((s) => s.probs);
  }

  /**
   * One SentimentScore per text. With `split_sentences`, each text is split (sentences.ts), at most
   * `max_sentences` sentences are scored, and their probabilities aggregated (aggregate.ts); all sentences of all
   * texts go through the model together, `batch_size` at a time.
   */
  async scoreBatch(texts: readonly string[]): Promise<SentimentScore[]> {
    const pieces = texts.map((t) => this.piecesOf(t));
    const flat = pieces.flat();
    const scored = await this.classifyWithLengths(flat);
    const out: SentimentScore[] = [];
    let at = 0;
    for (const p of pieces) {
      const mine = scored.slice(at, at + p.length);
      at += p.length;
      out.push(this.toScore(aggregate(mine, this.opts.aggregation, this.opts.compound)));
    }
    return out;
  }

  async score(text: string): Promise<SentimentScore> {
    return (await this.scoreBatch([text]))[0] as SentimentScore;
  }

  /**
   * [CLS] vectors of the encoder's last layer, one per text (the design's `get_embeddings`). Needs a graph that
   * outputs `last_hidden_state`, as the project's tiny model and Optimum exports with that output do; a
   * classifier-only export throws OnnxEmbeddingUnavailableError.
   */
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.opts.batch_size) {
      const chunk = texts.slice(i, i + this.opts.batch_size);
      const outputs = await this.run(this.encode(chunk));
      const h = outputs['last_hidden_state'];
      if (h === undefined) {
        throw new OnnxEmbeddingUnavailableError(
          `ONNX model ${this.info.source} has no last_hidden_state output: export it with that output to get embeddings`,
        );
      }
      const [batch, seq, hidden] = h.dims as [number, number, number];
      const data = h.data as Float32Array;
      for (let b = 0; b < batch; b++) out.push(data.slice(b * seq * hidden, b * seq * hidden + hidden));
    }
    return out;
  }

  /** Tokens each text becomes ([CLS] and [SEP] included, after truncation to max_length): the weights of the mean. */
  countTokens(texts: readonly string[]): number[] {
    return texts.map((t) => rowSums(this.encode([t]).attention_mask)[0] as number);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.model.dispose();
  }

  /** Load-time: the largest token id runs through the graph and the logits have one column per label. */
  async checkShapes(maxTokenId: number): Promise<void> {
    // The tokenizer's own frame around an empty text ([CLS] [SEP] for BERT), with the largest id inside it.
    const frame = Array.from(this.encode(['']).input_ids.data as BigInt64Array);
    const ids = [...frame.slice(0, 1), BigInt(maxTokenId), ...frame.slice(1)];
    const feeds: Record<string, Tensor> = {
      input_ids: new Tensor('int64', BigInt64Array.from(ids), [1, ids.length]),
      attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
      token_type_ids: new Tensor('int64', new BigInt64Array(ids.length), [1, ids.length]),
    };
    let outputs: Record<string, Tensor | undefined>;
    try {
      outputs = await this.model.forward(feeds);
    } catch (e) {
      throw new OnnxModelMismatchError(
        `tokenizer/model mismatch in ${this.info.source}: the graph fails on token id ${maxTokenId}, the tokenizer's largest (${oneLine(e)})`,
        { cause: e },
      );
    }
    const cols = outputs['logits']?.dims[1];
    if (cols !== SENTIMENT_LABELS.length) {
      throw new OnnxModelMismatchError(
        `ONNX model ${this.info.source} gives ${String(cols)} logits per text; its id2label has ${SENTIMENT_LABELS.length}`,
      );
    }
  }

  private piecesOf(text: string): string[] {
    if (!this.opts.split_sentences) return [text];
    const sentences = splitSentences(text).slice(0, this.opts.max_sentences);
    // A text with no word in it is still scored once, so every input gets an answer.
    return sentences.length > 0 ? sentences : [text];
  }

  private toScore(p: Probabilities): SentimentScore {
    return {
      label: argmaxLabel(p),
      probabilities: p,
      compound: Math.max(-1, Math.min(1, compoundOf(p, this.opts.compound))),
      scorer: ONNX_SCORER_KIND,
      model: this.info.name,
      model_version: this.info.version,
    };
  }

  /** Sorted by length before batching so that each batch pads little; results come back in input order. */
  private async classifyWithLengths(texts: readonly string[]): Promise<SentenceProbs[]> {
    const order = texts.map((t, i) => ({ t, i })).sort((a, b) => a.t.length - b.t.length);
    const out = new Array<SentenceProbs>(texts.length);
    for (let at = 0; at < order.length; at += this.opts.batch_size) {
      const chunk = order.slice(at, at + this.opts.batch_size);
      const enc = this.encode(chunk.map((c) => c.t));
      const outputs = await this.run(enc);
      const logits = outputs['logits'];
      if (logits === undefined) throw new OnnxInferenceError(`ONNX model ${this.info.source} returned no logits`);
      const probs = this.softmaxRows(logits);
      const tokens = rowSums(enc.attention_mask);
      chunk.forEach((c, k) => {
        out[c.i] = { probs: probs[k] as Probabilities, tokens: tokens[k] as number };
      });
    }
    return out;
  }

  private encode(texts: readonly string[]): Encoded {
    return this.tokenizer([...texts], { padding: true, truncation: true, max_length: this.opts.max_length });
  }

  private async run(enc: Encoded): Promise<Record<string, Tensor | undefined>> {
    if (this.disposed) throw new OnnxClassifierError(`ONNX model ${this.info.source} was disposed`);
    try {
      const feeds: Record<string, Tensor> = { input_ids: enc.input_ids, attention_mask: enc.attention_mask };
      if (enc.token_type_ids) feeds['token_type_ids'] = enc.token_type_ids;
      return await this.model.forward(feeds);
    } catch (e) {
      throw new OnnxInferenceError(`ONNX inference failed in ${this.info.source}: ${oneLine(e)}`, { cause: e });
    }
  }

  /** Softmax in double precision, then the model's columns picked by name via id2label. */
  private softmaxRows(logits: Tensor): Probabilities[] {
    const [rows, cols] = logits.dims as [number, number];
    const data = logits.data as Float32Array;
    const idx = this.info.labelIndex;
    const out: Probabilities[] = [];
    for (let r = 0; r < rows; r++) {
      let max = -Infinity;
      for (let c = 0; c < cols; c++) max = Math.max(max, data[r * cols + c] as number);
      const e = new Float64Array(cols);
      let sum = 0;
      for (let c = 0; c < cols; c++) sum += e[c] = Math.exp((data[r * cols + c] as number) - max);
      out.push({
        positive: (e[idx.positive] as number) / sum,
        negative: (e[idx.negative] as number) / sum,
        neutral: (e[idx.neutral] as number) / sum,
      });
    }
    return out;
  }
}

function rowSums(mask: Tensor): number[] {
  const [rows, cols] = mask.dims as [number, number];
  const data = mask.data as BigInt64Array;
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (let c = 0; c < cols; c++) n += Number(data[r * cols + c]);
    out.push(n);
  }
  return out;
}

function largestTokenId(tokenizer: Tokenizer): number {
  const vocab = tokenizer.get_vocab();
  let max = -1;
  for (const id of vocab instanceof Map ? vocab.values() : Object.values(vocab)) if (id > max) max = id;
  return max;
}

function positiveInt(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null;
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}

/** Runs a transformers.js loading step, turning "file not found" and network failures into OnnxModelNotFoundError. */
async function step<T>(source: ModelSource, opts: OnnxClassifierOptions, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof OnnxClassifierError) throw e;
    const msg = oneLine(e);
    const name = e instanceof Error ? e.name : '';
    const notFound = name === 'ModelFileNotFoundError' || /not found|local_files_only|ENOENT/i.test(msg);
    const network = /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network/i.test(msg);
    if (source.kind === 'hub' && (notFound || network)) {
      throw new OnnxModelNotFoundError(
        opts.allow_remote
          ? `cannot fetch ${what} of hub model ${source.id} (${msg}); this machine may have no network: download the model elsewhere and set sentiment.onnx.path to its folder`
          : `hub model ${source.id} is not in the local cache and remote loading is off (sentiment.onnx.allow_remote: false): set allow_remote where there is a network, or set sentiment.onnx.path to a downloaded folder (${msg})`,
        { cause: e },
      );
    }
    if (notFound) throw new OnnxModelNotFoundError(`cannot read ${what} of ONNX model ${describeSource(source)}: ${msg}`, { cause: e });
    throw new OnnxClassifierError(`loading ${what} of ONNX model ${describeSource(source)} failed: ${msg}`, { cause: e });
  }
}

async function modelVersion(source: ModelSource, opts: OnnxClassifierOptions, cacheDir: string | null): Promise<string> {
  const file = modelFileName(opts.dtype);
  const path = source.kind === 'local' ? `${source.dir}/${file}` : hubCachedFile(source.id, opts.revision, file, cacheDir);
  // A hub model always lands in the file cache before its session is made; if it did not, the id and revision
  // are the best identity there is, and say so.
  return path === null ? `hub:${source.kind === 'hub' ? source.id : ''}@${opts.revision}` : fileVersion(path);
}
