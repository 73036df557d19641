/**
 * A BERT encoder for sequence classification as an ONNX graph, with the same inputs and outputs as the exports of
 * `BertForSequenceClassification` (Optimum / Xenova): `input_ids`, `attention_mask`, `token_type_ids` (int64,
 * [batch, sequence]) in; `logits` [batch, num_labels] out, plus `last_hidden_state` [batch, sequence, hidden] for
 * [CLS] embeddings. Embeddings (word + position + token type, LayerNorm), N post-LN encoder layers (multi-head
 * self-attention with the additive −10000 mask, GELU feed-forward), the tanh pooler over [CLS], a linear classifier.
 */
import { DataType, GraphBuilder } from './onnx-graph.ts';
import { mulberry32 } from '@himari/numeric';

export interface BertShape {
  vocabSize: number;
  hidden: number;
  layers: number;
  heads: number;
  intermediate: number;
  maxPositions: number;
  typeVocabSize: number;
  numLabels: number;
}

/** Seeded weights; `zeroClassifier` makes the degenerate model of the self-check test. */
export interface BertWeightOptions {
  seed: number;
  zeroClassifier?: boolean;
}

function normal(rand: () => number, n: number, std: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    // Box-Muller; 1 - u keeps the log finite.
    const u = 1 - rand();
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

const fill = (n: number, v: number): Float32Array => new Float32Array(n).fill(v);

export function buildBertClassifier(shape: BertShape, w: BertWeightOptions): Uint8Array {
  const { hidden: H, heads, layers } = shape;
  if (H % heads !== 0) throw new Error(`hidden ${H} is not a multiple of heads ${heads}`);
  const dh = H / heads;
  const rand = mulberry32(w.seed);
  const g = new GraphBuilder();
  // Xavier-like scales rather than BERT's 0.02: with random weights, 0.02 makes every input give the same
  // near-uniform output, which the loader's self-check would rightly call degenerate.
  const dense = (name: string, fanIn: number, fanOut: number, std = 1 / Math.sqrt(fanIn)): { w: string; b: string } => ({
    w: g.floats(`${name}.weight`, [fanIn, fanOut], normal(rand, fanIn * fanOut, std)),
    b: g.floats(`${name}.bias`, [fanOut], normal(rand, fanOut, 0.1)),
  });
  const layerNorm = (x: string, name: string): string =>
    g.op1('LayerNormalization', [x, g.floats(`${name}.gamma`, [H], fill(H, 1)), g.floats(`${name}.beta`, [H], fill(H, 0))], {
      axis: -1,
      epsilon: { float: 1e-12 },
    });
  const linear = (x: string, p: { w: string; b: string }): string => g.op1('Add', [g.op1('MatMul', [x, p.w]), p.b]);

  const B = 'batch_size';
  const S = 'sequence_length';
  const inputIds = g.input('input_ids', DataType.int64, [B, S]);
  const mask = g.input('attention_mask', DataType.int64, [B, S]);
  const types = g.input('token_type_ids', DataType.int64, [B, S]);

  // Embeddings
  const wordEmb = g.floats('embeddings.word_embeddings', [shape.vocabSize, H], normal(rand, shape.vocabSize * H, 1));
  const posEmb = g.floats('embeddings.position_embeddings', [shape.maxPositions, H], normal(rand, shape.maxPositions * H, 0.5));
  const typeEmb = g.floats('embeddings.token_type_embeddings', [shape.typeVocabSize, H], normal(rand, shape.typeVocabSize * H, 0.5));
  const seqLen = g.op1('Gather', [g.op1('Shape', [inputIds]), g.int64s('one', [], [1])], { axis: 0 });
  const positions = g.op1('Range', [g.int64s('zero', [], [0]), seqLen, g.int64s('step', [], [1])]);
  const summed = g.op1('Add', [
    g.op1('Add', [g.op1('Gather', [wordEmb, inputIds]), g.op1('Gather', [posEmb, positions])]),
    g.op1('Gather', [typeEmb, types]),
  ]);
  let x = layerNorm(summed, 'embeddings.LayerNorm');

  // Additive attention mask [B, 1, 1, S]: 0 where attended, −10000 on padding.
  const maskF = g.op1('Unsqueeze', [g.op1('Cast', [mask], { to: DataType.float }), g.int64s('axes', [2], [1, 2])]);
  const maskBias = g.op1('Mul', [g.op1('Sub', [g.scalar('one_f', 1), maskF]), g.scalar('neg', -10000)]);
  const splitHeads = g.int64s('split_heads', [4], [0, 0, heads, dh]);
  const mergeHeads = g.int64s('merge_heads', [3], [0, 0, H]);
  const invSqrtDh = g.scalar('inv_sqrt_dh', 1 / Math.sqrt(dh));
  const half = g.scalar('half', 0.5);
  const invSqrt2 = g.scalar('inv_sqrt2', Math.SQRT1_2);
  const oneF = g.scalar('one_gelu', 1);

  for (let l = 0; l < layers; l++) {
    const p = `encoder.layer.${l}`;
    const q = linear(x, dense(`${p}.attention.self.query`, H, H));
    const k = linear(x, dense(`${p}.attention.self.key`, H, H));
    const v = linear(x, dense(`${p}.attention.self.value`, H, H));
    const qh = g.op1('Transpose', [g.op1('Reshape', [q, splitHeads])], { perm: [0, 2, 1, 3] });
    const kt = g.op1('Transpose', [g.op1('Reshape', [k, splitHeads])], { perm: [0, 2, 3, 1] });
    const vh = g.op1('Transpose', [g.op1('Reshape', [v, splitHeads])], { perm: [0, 2, 1, 3] });
    const scores = g.op1('Add', [g.op1('Mul', [g.op1('MatMul', [qh, kt]), invSqrtDh]), maskBias]);
    const probs = g.op1('Softmax', [scores], { axis: -1 });
    const ctx = g.op1('Reshape', [g.op1('Transpose', [g.op1('MatMul', [probs, vh])], { perm: [0, 2, 1, 3] }), mergeHeads]);
    const attnOut = linear(ctx, dense(`${p}.attention.output.dense`, H, H));
    const x1 = layerNorm(g.op1('Add', [attnOut, x]), `${p}.attention.output.LayerNorm`);
    const h = linear(x1, dense(`${p}.intermediate.dense`, H, shape.intermediate));
    // Exact GELU, as BERT uses: x · ½ · (1 + erf(x / √2)).
    const gelu = g.op1('Mul', [g.op1('Mul', [h, half]), g.op1('Add', [oneF, g.op1('Erf', [g.op1('Mul', [h, invSqrt2])])])]);
    const ffOut = linear(gelu, dense(`${p}.output.dense`, shape.intermediate, H));
    x = layerNorm(g.op1('Add', [ffOut, x1]), `${p}.output.LayerNorm`);
  }

  g.op1('Identity', [x], {}, 'last_hidden_state');
  g.output('last_hidden_state', DataType.float, [B, S, H]);
  const cls = g.op1('Gather', [x, g.int64s('cls_index', [], [0])], { axis: 1 });
  const pooled = g.op1('Tanh', [linear(cls, dense('pooler.dense', H, H))]);
  const classifier = w.zeroClassifier
    ? {
        w: g.floats('classifier.weight', [H, shape.numLabels], fill(H * shape.numLabels, 0)),
        b: g.floats('classifier.bias', [shape.numLabels], fill(shape.numLabels, 0)),
      }
    : dense('classifier', H, shape.numLabels, 1.5 / Math.sqrt(H));
  g.op1('Add', [g.op1('MatMul', [pooled, classifier.w]), classifier.b], {}, 'logits');
  g.output('logits', DataType.float, [B, shape.numLabels]);

  return g.encode({ name: 'tiny_bert_for_sequence_classification', opset: 17, producer: 'himari-tiny-bert', docString: `seed ${w.seed}` });
}
