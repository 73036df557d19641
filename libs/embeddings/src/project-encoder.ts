/**
 * The project's own offline encoder: sublinear TF-IDF over words, word pairs and character 4-grams, mapped to
 * `lsa_dims` by a truncated SVD learned on finance tweets (latent semantic analysis: words that occur in the same
 * stories land near each other) and, beside it, `hashed_dims` of signed feature hashing (a random projection that
 * keeps the exact-wording signal the SVD smooths away). Both halves are unit-normalised and weighted by
 * √lsa_weight and √(1 − lsa_weight); the mix was chosen on held-out retrieval quality (models/encoder/README.md).
 *
 * File layout: `<name>.json` (vocabulary, idf, options, provenance) and `<name>.bin` (the SVD projection as int8,
 * rows × cols, then one float32 scale per row, little-endian). Nothing in either file is executable.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { features, fnv1a, type FeatureOptions } from './text.ts';
import { EncoderError, normalizeInPlace, type Encoder } from './types.ts';

export const PROJECT_ENCODER_FORMAT = 'himari-lsa';

export interface ProjectEncoderFile {
  format: typeof PROJECT_ENCODER_FORMAT;
  version: 1;
  name: string;
  dim: number;
  lsa_dims: number;
  hashed_dims: number;
  hashes_per_feature: number;
  /** Weight of the SVD half in [0, 1]; the hashed half gets 1 − this. */
  lsa_weight: number;
  features: FeatureOptions;
  vocab: string[];
  idf: number[];
  matrix: { file: string; dtype: 'int8'; rows: number; cols: number; sha256: string };
  training: Record<string, unknown>;
  evaluation?: Record<string, unknown>;
}

export interface ProjectModel {
  header: ProjectEncoderFile;
  /** int8 projection, vocab × lsa_dims, row-major. */
  q: Int8Array;
  /** Per-row dequantisation scales. */
  scales: Float32Array;
}

/** Serialises the binary half: int8 matrix, then the float32 row scales. */
export function packMatrix(q: Int8Array, scales: Float32Array): Buffer {
  const buf = Buffer.alloc(q.byteLength + scales.length * 4);
  Buffer.from(q.buffer, q.byteOffset, q.byteLength).copy(buf, 0);
  for (let i = 0; i < scales.length; i++) buf.writeFloatLE(scales[i]!, q.byteLength + i * 4);
  return buf;
}

export function loadProjectModel(path: string): ProjectModel {
  let header: ProjectEncoderFile;
  try {
    header = JSON.parse(readFileSync(path, 'utf8')) as ProjectEncoderFile;
  } catch (err) {
    throw new EncoderError(`cannot read project encoder ${path}: ${(err as Error).message}`, false, { cause: err });
  }
  if (header.format !== PROJECT_ENCODER_FORMAT || header.version !== 1) {
    throw new EncoderError(`${path}: not a ${PROJECT_ENCODER_FORMAT} v1 file`);
  }
  const { rows, cols } = header.matrix;
  if (rows !== header.vocab.length || rows !== header.idf.length || cols !== header.lsa_dims) {
    throw new EncoderError(`${path}: matrix ${rows}x${cols} does not fit vocab ${header.vocab.length} / lsa_dims ${header.lsa_dims}`);
  }
  const binPath = join(dirname(path), basename(header.matrix.file));
  let bin: Buffer;
  try {
    bin = readFileSync(binPath);
  } catch (err) {
    throw new EncoderError(`cannot read ${binPath}: ${(err as Error).message}`, false, { cause: err });
  }
  const sha = createHash('sha256').update(bin).digest('hex');
  if (sha !== header.matrix.sha256) throw new EncoderError(`${binPath}: sha256 ${sha} does not match the header's ${header.matrix.sha256}`);
  if (bin.length !== rows * cols + rows * 4) throw new EncoderError(`${binPath}: ${bin.length} bytes, expected ${rows * cols + rows * 4}`);
  const q = new Int8Array(bin.buffer, bin.byteOffset, rows * cols).slice();
  const scales = new Float32Array(rows);
  for (let i = 0; i < rows; i++) scales[i] = bin.readFloatLE(rows * cols + i * 4);
  return { header, q, scales };
}

/** Encodes synchronously: a few microseconds of arithmetic per text, no reason to leave the thread. */
export class ProjectEncoder implements Encoder {
  readonly kind = 'project' as const;
  readonly id: string;
  readonly dim: number;
  private readonly index = new Map<string, number>();
  private readonly bucket: Int32Array;
  private readonly sign: Float32Array;

  constructor(private readonly model: ProjectModel) {
    const h = model.header;
    this.dim = h.lsa_dims + h.hashed_dims;
    if (this.dim !== h.dim) throw new EncoderError(`encoder ${h.name}: lsa_dims + hashed_dims != dim`);
    this.id = `${h.name}@${h.matrix.sha256.slice(0, 12)}`;
    h.vocab.forEach((f, i) => this.index.set(f, i));
    const s = h.hashes_per_feature;
    this.bucket = new Int32Array(h.vocab.length * s);
    this.sign = new Float32Array(h.vocab.length * s);
    h.vocab.forEach((f, i) => {
      for (let j = 0; j < s; j++) {
        const hv = fnv1a(`${j}|${f}`);
        this.bucket[i * s + j] = hv % Math.max(h.hashed_dims, 1);
        this.sign[i * s + j] = (hv >>> 20) & 1 ? 1 : -1;
      }
    });
  }

  static load(path: string): ProjectEncoder {
    return new ProjectEncoder(loadProjectModel(path));
  }

  get header(): ProjectEncoderFile {
    return this.model.header;
  }

  /** Sparse, L2-normalised TF-IDF of a text over the vocabulary. */
  tfidf(text: string): { idx: number[]; val: number[] } {
    const counts = new Map<number, number>();
    for (const f of features(text, this.model.header.features)) {
      const i = this.index.get(f);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    const idx: number[] = [];
    const val: number[] = [];
    let norm = 0;
    for (const [i, c] of counts) {
      const v = (1 + Math.log(c)) * this.model.header.idf[i]!;
      idx.push(i);
      val.push(v);
      norm += v * v;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let k = 0; k < val.length; k++) val[k]! *= inv;
    return { idx, val };
  }

  encodeOne(text: string): Float32Array {
    const h = this.model.header;
    const { idx, val } = this.tfidf(text);
    const lsa = new Float32Array(h.lsa_dims);
    const hashed = new Float32Array(h.hashed_dims);
    const s = h.hashes_per_feature;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      const x = val[k]!;
      const w = x * this.model.scales[i]!;
      const row = i * h.lsa_dims;
      for (let j = 0; j < h.lsa_dims; j++) lsa[j]! += w * this.model.q[row + j]!;
      for (let j = 0; j < s; j++) hashed[this.bucket[i * s + j]!]! += x * this.sign[i * s + j]!;
    }
    normalizeInPlace(lsa);
    normalizeInPlace(hashed);
    const out = new Float32Array(this.dim);
    const a = Math.sqrt(h.lsa_weight);
    const b = Math.sqrt(1 - h.lsa_weight);
    for (let j = 0; j < h.lsa_dims; j++) out[j] = a * lsa[j]!;
    for (let j = 0; j < h.hashed_dims; j++) out[h.lsa_dims + j] = b * hashed[j]!;
    return normalizeInPlace(out);
  }

  async encode(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.encodeOne(t));
  }

  async close(): Promise<void> {}
}
