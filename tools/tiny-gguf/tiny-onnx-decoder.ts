/**
 * A tiny decoder-only language model as an ONNX graph in a Hugging Face folder layout (config.json, tokenizer.json,
 * tokenizer_config.json, onnx/model.onnx), for the `transformers` backend's tests: transformers.js loads it with its
 * real loader and generates with its real generation loop.
 *
 * The graph is a bigram model (logits = onehot(token) · W, no attention, no cache): `random` weights write noise;
 * `answer` weights send every token to one vocabulary entry that is a whole signal JSON, and that entry to
 * end-of-sequence, so greedy decoding writes exactly that JSON. Neither is a language model worth the name; both
 * exercise the real code path.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { seededNormal } from './tiny-llama.ts';

const { onnx } = onnxProto;

export const TINY_DECODER_ANSWER =
  '{"sentiment": -0.4, "confidence": 0.62, "direction": "SELL", "reasoning": "tiny onnx decoder", "entities": [], "events": [], "timeframe": "short_term", "magnitude": "low"}';

const SPECIAL = ['[UNK]', '<eos>'] as const;
const PIECES = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789{}[]":,.-_ '];
const WORDS = ['sentiment', 'confidence', 'direction', 'BUY', 'SELL', 'HOLD', 'news', 'the', 'market'];

export interface TinyDecoderOptions {
  weights: 'random' | 'answer';
  /** @default 3 */
  seed?: number;
}

export function tinyDecoderVocab(): string[] {
  const out: string[] = [...SPECIAL];
  const add = (t: string): void => {
    if (!out.includes(t)) out.push(t);
  };
  for (const w of WORDS) add(w);
  for (const p of PIECES) {
    add(p);
    add(`##${p}`);
  }
  add(TINY_DECODER_ANSWER);
  return out;
}

function bytesOf(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

function valueInfo(name: string, elemType: number, dims: Array<number | string>): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

/** input_ids [batch, seq] → Gather(onehot rows of W) → logits [batch, seq, vocab]. */
export function tinyDecoderOnnx(vocabSize: number, o: TinyDecoderOptions): Uint8Array {
  const W = new Float32Array(vocabSize * vocabSize);
  if (o.weights === 'random') {
    const normal = seededNormal(o.seed ?? 3);
    for (let i = 0; i < W.length; i++) W[i] = normal() * 2;
  } else {
    const answer = vocabSize - 1;
    const eos = 1;
    for (let from = 0; from < vocabSize; from++) W[from * vocabSize + (from === answer ? eos : answer)] = 30;
  }
  const F = onnx.TensorProto.DataType.FLOAT;
  const I64 = onnx.TensorProto.DataType.INT64;
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'himari-tiny-onnx-decoder',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'tiny_bigram_decoder',
      initializer: [{ name: 'transition', dims: [vocabSize, vocabSize], dataType: F, rawData: bytesOf(W) }],
      node: [
        {
          opType: 'Gather',
          name: 'next_token_logits',
          input: ['transition', 'input_ids'],
          output: ['logits'],
          attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }],
        },
      ],
      input: [valueInfo('input_ids', I64, ['batch_size', 'sequence_length'])],
      output: [valueInfo('logits', F, ['batch_size', 'sequence_length', vocabSize])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Writes the folder transformers.js loads with `env.allowRemoteModels = false`. */
export function writeTinyDecoder(dir: string, o: TinyDecoderOptions): string {
  const vocab = tinyDecoderVocab();
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'onnx', 'model.onnx'), tinyDecoderOnnx(vocab.length, o));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      model_type: 'gpt2',
      architectures: ['GPT2LMHeadModel'],
      vocab_size: vocab.length,
      n_embd: vocab.length,
      n_head: 1,
      n_layer: 0,
      n_positions: 4096,
      bos_token_id: 1,
      eos_token_id: 1,
      use_cache: false,
    }),
  );
  writeFileSync(join(dir, 'generation_config.json'), JSON.stringify({ bos_token_id: 1, eos_token_id: 1, pad_token_id: 1 }));
  writeFileSync(
    join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: SPECIAL.map((content, id) => ({
        id,
        content,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      })),
      normalizer: null,
      pre_tokenizer: { type: 'WhitespaceSplit' },
      post_processor: null,
      decoder: { type: 'WordPiece', prefix: '##', cleanup: false },
      model: {
        type: 'WordPiece',
        unk_token: '[UNK]',
        continuing_subword_prefix: '##',
        max_input_chars_per_word: 1000,
        vocab: Object.fromEntries(vocab.map((t, i) => [t, i])),
      },
    }),
  );
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'PreTrainedTokenizer',
      unk_token: '[UNK]',
      eos_token: '<eos>',
      pad_token: '<eos>',
      model_max_length: 4096,
    }),
  );
  return dir;
}
