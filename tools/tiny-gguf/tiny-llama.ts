/**
 * A tiny llama-architecture model with seeded random weights and a small SentencePiece-style vocabulary, and a LoRA
 * adapter for it. The text it generates is noise; what it proves is that the real loader (llama.cpp through
 * node-llama-cpp), its tokenizer, sampler, grammar and adapter code paths run end to end. Same options, same bytes.
 */
import { mulberry32 } from '@himari/numeric';
import type { GgufFile, GgufTensor, GgufValue } from './gguf.ts';

export interface TinyLlamaOptions {
  /** @default 64 */
  embedding?: number;
  /** @default 2 */
  layers?: number;
  /** @default 4 */
  heads?: number;
  /** Grouped-query attention, as in recent llamas. @default 2 */
  kvHeads?: number;
  /** @default 128 */
  feedForward?: number;
  /** Trained context length the loader reads. @default 4096 */
  contextLength?: number;
  /** @default 1 */
  seed?: number;
  /** Standard deviation of the random weights. @default 0.5 */
  weightScale?: number;
  /** Stored element type of the matrices (norms stay f32, as llama.cpp expects). @default 'f32' */
  tensorType?: 'f32' | 'f16';
  /** @default 'himari-tiny-llama' */
  name?: string;
}

export interface TinyLoraOptions {
  /** Must match the base model's. */
  base?: Pick<TinyLlamaOptions, 'embedding' | 'layers' | 'heads' | 'kvHeads'>;
  /** @default 4 */
  rank?: number;
  /** @default 8 */
  alpha?: number;
  /** @default 2 */
  seed?: number;
  /** Standard deviation of both LoRA matrices: large enough to change what the tiny model says. @default 0.5 */
  weightScale?: number;
}

interface Resolved {
  embedding: number;
  layers: number;
  heads: number;
  kvHeads: number;
  feedForward: number;
  contextLength: number;
  seed: number;
  weightScale: number;
  tensorType: 'f32' | 'f16';
  name: string;
}

function resolve(o: TinyLlamaOptions): Resolved {
  const r: Resolved = {
    embedding: o.embedding ?? 64,
    layers: o.layers ?? 2,
    heads: o.heads ?? 4,
    kvHeads: o.kvHeads ?? 2,
    feedForward: o.feedForward ?? 128,
    contextLength: o.contextLength ?? 4096,
    seed: o.seed ?? 1,
    weightScale: o.weightScale ?? 0.5,
    tensorType: o.tensorType ?? 'f32',
    name: o.name ?? 'himari-tiny-llama',
  };
  if (r.embedding % r.heads !== 0) throw new Error(`embedding ${r.embedding} must be a multiple of heads ${r.heads}`);
  if (r.heads % r.kvHeads !== 0) throw new Error(`heads ${r.heads} must be a multiple of kvHeads ${r.kvHeads}`);
  if ((r.embedding / r.heads) % 2 !== 0) throw new Error('head size must be even (rotary embedding)');
  return r;
}

/** SentencePiece token types as llama.cpp reads them. */
const TokenType = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

/** The JSON fragments a signal is made of: the grammar may pick them whole, which shortens generation. */
const JSON_PIECES = [
  '{"',
  '"sentiment":',
  '"confidence":',
  '"direction":',
  '"reasoning":',
  '"entities":',
  '"events":',
  '"timeframe":',
  '"magnitude":',
  '"BUY"',
  '"SELL"',
  '"HOLD"',
  '"intraday"',
  '"short_term"',
  '"medium_term"',
  '"long_term"',
  '"low"',
  '"medium"',
  '"high"',
  '",',
  '",' + '"',
  '[]',
  '["',
  '"]',
  '0.',
  '-0.',
];

/** Frequent English words, so that prompts tokenize to fewer pieces than characters. */
const WORDS = [
  'the',
  'and',
  'for',
  'that',
  'with',
  'news',
  'market',
  'stock',
  'shares',
  'price',
  'earnings',
  'revenue',
  'signal',
  'sentiment',
  'confidence',
  'direction',
  'reasoning',
  'analysis',
  'buy',
  'sell',
  'hold',
  'bullish',
  'bearish',
  'company',
  'quarter',
  'growth',
  'guidance',
  'output',
  'JSON',
  'only',
  'text',
  'document',
  'between',
  'markers',
];

export interface Vocabulary {
  tokens: string[];
  scores: number[];
  types: number[];
  bos: number;
  eos: number;
  unk: number;
}

/**
 * <unk>, <s>, </s>, the 256 byte tokens (llama.cpp's SentencePiece fallback needs every one), the printable ASCII
 * characters and the space marker, then longer pieces. Every prefix of a word is also a piece, so that the
 * tokenizer's pairwise merges can reach the whole word.
 */
export function buildVocabulary(): Vocabulary {
  const tokens: string[] = [];
  const scores: number[] = [];
  const types: number[] = [];
  const seen = new Set<string>();
  const add = (piece: string, type: number, score: number): void => {
    if (seen.has(piece)) return;
    seen.add(piece);
    tokens.push(piece);
    types.push(type);
    scores.push(score);
  };
  add('<unk>', TokenType.unknown, 0);
  add('<s>', TokenType.control, 0);
  add('</s>', TokenType.control, 0);
  for (let b = 0; b < 256; b++) add(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, TokenType.byte, 0);
  add('\u2581', TokenType.normal, -1);
  for (let c = 0x21; c <= 0x7e; c++) add(String.fromCharCode(c), TokenType.normal, -1);
  const withPrefixes = (word: string): void => {
    for (let i = 2; i <= word.length; i++) add(word.slice(0, i), TokenType.normal, i);
  };
  for (const w of WORDS) {
    withPrefixes(w);
    withPrefixes(`\u2581${w}`);
  }
  for (const p of JSON_PIECES) withPrefixes(p);
  return { tokens, scores, types, bos: 1, eos: 2, unk: 0 };
}

/** mulberry32: small, fast, seedable; Box-Muller for normals. */
export function seededNormal(seed: number): () => number {
  const uniform = mulberry32(seed);
  return () => {
    const u = Math.max(uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}

function randomTensor(name: string, dims: number[], normal: () => number, scale: number, type: 'f32' | 'f16'): GgufTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  // Scaled by fan-in so that activations keep a similar size through the layers.
  const std = scale / Math.sqrt(dims[0]!);
  for (let i = 0; i < n; i++) data[i] = normal() * std;
  return { name, dims, type, data };
}

function ones(name: string, n: number): GgufTensor {
  return { name, dims: [n], type: 'f32', data: new Float32Array(n).fill(1) };
}

const u32 = (value: number): GgufValue => ({ type: 'uint32', value });
const f32 = (value: number): GgufValue => ({ type: 'float32', value });
const str = (value: string): GgufValue => ({ type: 'string', value });

export function buildTinyLlama(opts: TinyLlamaOptions = {}): GgufFile {
  const o = resolve(opts);
  const vocab = buildVocabulary();
  const nVocab = vocab.tokens.length;
  const headDim = o.embedding / o.heads;
  const kvDim = headDim * o.kvHeads;
  const metadata: Array<readonly [string, GgufValue]> = [
    ['general.architecture', str('llama')],
    ['general.name', str(o.name)],
    ['general.file_type', u32(o.tensorType === 'f32' ? 0 : 1)],
    ['general.alignment', u32(32)],
    ['llama.context_length', u32(o.contextLength)],
    ['llama.embedding_length', u32(o.embedding)],
    ['llama.block_count', u32(o.layers)],
    ['llama.feed_forward_length', u32(o.feedForward)],
    ['llama.attention.head_count', u32(o.heads)],
    ['llama.attention.head_count_kv', u32(o.kvHeads)],
    ['llama.attention.layer_norm_rms_epsilon', f32(1e-5)],
    ['llama.rope.dimension_count', u32(headDim)],
    ['llama.rope.freq_base', f32(10_000)],
    ['llama.vocab_size', u32(nVocab)],
    ['tokenizer.ggml.model', str('llama')],
    ['tokenizer.ggml.tokens', { type: 'array', itemType: 'string', value: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'array', itemType: 'float32', value: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'array', itemType: 'int32', value: vocab.types }],
    ['tokenizer.ggml.bos_token_id', u32(vocab.bos)],
    ['tokenizer.ggml.eos_token_id', u32(vocab.eos)],
    ['tokenizer.ggml.unknown_token_id', u32(vocab.unk)],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
  ];
  const normal = seededNormal(o.seed);
  const s = o.weightScale;
  const t = o.tensorType;
  const tensors: GgufTensor[] = [randomTensor('token_embd.weight', [o.embedding, nVocab], normal, s * Math.sqrt(o.embedding), t)];
  for (let i = 0; i < o.layers; i++) {
    const p = `blk.${i}`;
    tensors.push(
      ones(`${p}.attn_norm.weight`, o.embedding),
      randomTensor(`${p}.attn_q.weight`, [o.embedding, o.embedding], normal, s, t),
      randomTensor(`${p}.attn_k.weight`, [o.embedding, kvDim], normal, s, t),
      randomTensor(`${p}.attn_v.weight`, [o.embedding, kvDim], normal, s, t),
      randomTensor(`${p}.attn_output.weight`, [o.embedding, o.embedding], normal, s, t),
      ones(`${p}.ffn_norm.weight`, o.embedding),
      randomTensor(`${p}.ffn_gate.weight`, [o.embedding, o.feedForward], normal, s, t),
      randomTensor(`${p}.ffn_up.weight`, [o.embedding, o.feedForward], normal, s, t),
      randomTensor(`${p}.ffn_down.weight`, [o.feedForward, o.embedding], normal, s, t),
    );
  }
  tensors.push(ones('output_norm.weight', o.embedding), randomTensor('output.weight', [o.embedding, nVocab], normal, s * 4, t));
  return { metadata, tensors };
}

/**
 * A LoRA adapter in the layout llama.cpp loads (`general.type = adapter`, `adapter.type = lora`): for each adapted
 * weight W of shape [in, out], `W.lora_a` is [in, r] and `W.lora_b` is [r, out]. Adapts attn_q and attn_v, the
 * targets of the project's fine-tuning recipe.
 */
export function buildTinyLora(opts: TinyLoraOptions = {}): GgufFile {
  const base = resolve(opts.base ?? {});
  const rank = opts.rank ?? 4;
  const alpha = opts.alpha ?? 8;
  const scale = opts.weightScale ?? 0.5;
  const normal = seededNormal(opts.seed ?? 2);
  const kvDim = (base.embedding / base.heads) * base.kvHeads;
  const metadata: Array<readonly [string, GgufValue]> = [
    ['general.architecture', str('llama')],
    ['general.type', str('adapter')],
    ['general.name', str('himari-tiny-lora')],
    ['general.alignment', u32(32)],
    ['adapter.type', str('lora')],
    ['adapter.lora.alpha', f32(alpha)],
  ];
  const tensors: GgufTensor[] = [];
  for (let i = 0; i < base.layers; i++) {
    for (const [target, out] of [
      ['attn_q', base.embedding],
      ['attn_v', kvDim],
    ] as const) {
      const name = `blk.${i}.${target}.weight`;
      tensors.push(
        randomTensor(`${name}.lora_a`, [base.embedding, rank], normal, scale, 'f32'),
        randomTensor(`${name}.lora_b`, [rank, out], normal, scale, 'f32'),
      );
    }
  }
  return { metadata, tensors };
}
