/** Training the project encoder: vocabulary and idf, TF-IDF matrix, randomized truncated SVD, int8 projection. */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { dirname, join } from 'node:path';
import { randomizedSvd, type Csr } from './linalg.ts';
import { packMatrix, PROJECT_ENCODER_FORMAT, ProjectEncoder, type ProjectEncoderFile } from './project-encoder.ts';
import { DEFAULT_FEATURES, features, normalisedWords, type FeatureOptions } from './text.ts';
import { EncoderError } from './types.ts';

export interface TrainOptions {
  name?: string;
  /** Most features kept, by document frequency. @default 20000 */
  maxFeatures?: number;
  /** Features in fewer documents are dropped. @default 2 */
  minDf?: number;
  lsaDims?: number;
  hashedDims?: number;
  hashesPerFeature?: number;
  lsaWeight?: number;
  features?: FeatureOptions;
  seed?: number;
  powerIterations?: number;
  /** Provenance written into the file (sources, counts). */
  provenance?: Record<string, unknown>;
  onProgress?: (step: string) => void;
}

export const DEFAULT_TRAIN = {
  name: 'himari-lsa-384',
  maxFeatures: 20_000,
  minDf: 2,
  lsaDims: 192,
  hashedDims: 192,
  hashesPerFeature: 4,
  lsaWeight: 0.6,
  seed: 20240601,
  powerIterations: 3,
} as const;

export interface TrainedEncoder {
  header: ProjectEncoderFile;
  bin: Buffer;
  encoder: ProjectEncoder;
}

/** Exact repeats (after cleaning) are dropped: a retweet seen 1,800 times would otherwise dominate the SVD. */
export function dedupeTexts(texts: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of texts) {
    const key = normalisedWords(t);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    out.push(t);
  }
  return out;
}

export function trainProjectEncoder(input: readonly string[], opts: TrainOptions = {}): TrainedEncoder {
  const o = { ...DEFAULT_TRAIN, ...opts, features: opts.features ?? DEFAULT_FEATURES };
  const texts = dedupeTexts(input);
  if (texts.length < o.lsaDims + 2) throw new EncoderError(`need more than ${o.lsaDims + 1} distinct texts, got ${texts.length}`);
  o.onProgress?.(`vocabulary over ${texts.length} distinct texts`);
  const docs = texts.map((t) => features(t, o.features));
  const df = new Map<string, number>();
  for (const d of docs) for (const f of new Set(d)) df.set(f, (df.get(f) ?? 0) + 1);
  // Highest document frequency first; ties by the feature string, so the vocabulary is the same on every machine.
  const vocab = [...df.entries()]
    .filter(([, c]) => c >= o.minDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, o.maxFeatures)
    .map(([f]) => f);
  const index = new Map(vocab.map((f, i) => [f, i]));
  const n = texts.length;
  const idf = vocab.map((f) => round6(Math.log((1 + n) / (1 + df.get(f)!)) + 1));

  o.onProgress?.(`TF-IDF matrix ${n} x ${vocab.length}`);
  const a = tfidfMatrix(docs, index, idf);
  o.onProgress?.(`randomized SVD to ${o.lsaDims} dims`);
  const { v } = randomizedSvd(a, o.lsaDims, { seed: o.seed, powerIterations: o.powerIterations });
  const k = v.cols;
  const q = new Int8Array(vocab.length * k);
  const scales = new Float32Array(vocab.length);
  for (let i = 0; i < vocab.length; i++) {
    let max = 0;
    for (let j = 0; j < k; j++) max = Math.max(max, Math.abs(v.data[i * k + j]!));
    const scale = max > 0 ? max / 127 : 1;
    scales[i] = scale;
    for (let j = 0; j < k; j++) q[i * k + j] = Math.round(v.data[i * k + j]! / scale);
  }
  const bin = packMatrix(q, scales);
  const header: ProjectEncoderFile = {
    format: PROJECT_ENCODER_FORMAT,
    version: 1,
    name: o.name,
    dim: k + o.hashedDims,
    lsa_dims: k,
    hashed_dims: o.hashedDims,
    hashes_per_feature: o.hashesPerFeature,
    lsa_weight: o.lsaWeight,
    features: o.features,
    vocab,
    idf,
    matrix: { file: `${o.name}.bin`, dtype: 'int8', rows: vocab.length, cols: k, sha256: createHash('sha256').update(bin).digest('hex') },
    training: {
      distinct_texts: n,
      input_texts: input.length,
      max_features: o.maxFeatures,
      min_df: o.minDf,
      seed: o.seed,
      power_iterations: o.powerIterations,
      method: 'sublinear tf-idf (l2) -> randomized truncated SVD (Halko et al. 2011), int8 per-row quantised; plus signed feature hashing',
      ...(opts.provenance ?? {}),
    },
  };
  return { header, bin, encoder: new ProjectEncoder({ header, q, scales }) };
}

function tfidfMatrix(docs: readonly string[][], index: ReadonlyMap<string, number>, idf: readonly number[]): Csr {
  const indptr = new Int32Array(docs.length + 1);
  const idx: number[] = [];
  const val: number[] = [];
  docs.forEach((d, r) => {
    const counts = new Map<number, number>();
    for (const f of d) {
      const i = index.get(f);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    const row = [...counts.entries()].sort((x, y) => x[0] - y[0]);
    let norm = 0;
    const vals = row.map(([i, c]) => {
      const x = (1 + Math.log(c)) * idf[i]!;
      norm += x * x;
      return x;
    });
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    row.forEach(([i], k) => {
      idx.push(i);
      val.push(vals[k]! * inv);
    });
    indptr[r + 1] = idx.length;
  });
  return { rows: docs.length, cols: index.size, indptr, indices: Int32Array.from(idx), values: Float32Array.from(val) };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Writes `<dir>/<name>.json` and `<dir>/<name>.bin`, each through a temporary file and a rename. */
export function writeProjectEncoder(dir: string, trained: Pick<TrainedEncoder, 'header' | 'bin'>): string {
  mkdirSync(dir, { recursive: true });
  const jsonPath = join(dir, `${trained.header.name}.json`);
  const binPath = join(dir, trained.header.matrix.file);
  atomicWrite(binPath, trained.bin);
  atomicWrite(jsonPath, JSON.stringify(trained.header) + '\n');
  return jsonPath;
}

function atomicWrite(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic.sync(path, data);
}
