/**
 * A sentence-transformers model in ONNX through transformers.js: feature extraction, mean pooling over the attention
 * mask, L2 normalisation (what all-MiniLM-L6-v2's own pooling config does). From a local folder (config.json,
 * tokenizer.json, tokenizer_config.json, onnx/model.onnx) or, where the configuration allows a network, a hub id.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { EncoderError, normalizeInPlace, type Encoder } from './types.ts';

export interface TransformersEncoderOptions {
  /** Local model folder; takes precedence over hubId. */
  modelDir: string | null;
  hubId: string;
  allowRemote: boolean;
  dtype: 'fp32' | 'q8';
  /** onnxruntime intra-op threads; 0: its default. */
  threads: number;
  /** Texts per inference call. @default 32 */
  batchSize?: number;
  cacheDir?: string | null;
}

const REQUIRED = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

type Extractor = (
  texts: string[],
  opts: { pooling: 'mean'; normalize: boolean },
) => Promise<{ dims: number[]; data: Float32Array; dispose?: () => void }>;

function modelFile(dtype: TransformersEncoderOptions['dtype']): string {
  return dtype === 'q8' ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx';
}

/** Lists what a local folder lacks, so the error names every missing file at once. */
export function missingModelFiles(dir: string, dtype: TransformersEncoderOptions['dtype']): string[] {
  return [...REQUIRED, modelFile(dtype)].filter((f) => !existsSync(join(dir, f)));
}

async function fileSha(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export async function loadTransformersEncoder(opts: TransformersEncoderOptions): Promise<Encoder> {
  const local = opts.modelDir !== null ? resolve(opts.modelDir) : null;
  if (local !== null) {
    if (!existsSync(local) || !statSync(local).isDirectory()) throw new EncoderError(`encoder model folder ${local} does not exist`);
    const missing = missingModelFiles(local, opts.dtype);
    if (missing.length) throw new EncoderError(`encoder model folder ${local} lacks ${missing.join(', ')}`);
  }
  const { pipeline } = await import('@huggingface/transformers');
  const where = local ?? opts.hubId;
  let extractor: Extractor;
  try {
    extractor = (await pipeline('feature-extraction', where, {
      local_files_only: local !== null || !opts.allowRemote,
      dtype: opts.dtype,
      device: 'cpu',
      ...(opts.cacheDir ? { cache_dir: opts.cacheDir } : {}),
      session_options: opts.threads > 0 ? { intraOpNumThreads: opts.threads, interOpNumThreads: 1 } : {},
    })) as unknown as Extractor;
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0] ?? '';
    throw new EncoderError(
      local !== null
        ? `cannot load encoder from ${local}: ${msg}`
        : opts.allowRemote
          ? `cannot fetch encoder ${opts.hubId} (${msg}); without a network, download it elsewhere and set rag.encoder.model_dir`
          : `encoder ${opts.hubId} is not in the local cache and rag.encoder.allow_remote is false: set model_dir to a downloaded folder (${msg})`,
      false,
      { cause: err },
    );
  }
  const probe = await extractor(['dimension probe'], { pooling: 'mean', normalize: true });
  const dim = probe.dims[probe.dims.length - 1] ?? 0;
  probe.dispose?.();
  if (!dim) throw new EncoderError(`encoder ${where} returned no embedding dimension`);
  const version = local !== null ? (await fileSha(join(local, modelFile(opts.dtype)))).slice(0, 12) : opts.dtype;
  const name = local !== null ? basename(local) : opts.hubId;
  const batchSize = opts.batchSize ?? 32;
  return {
    id: `${name}@${version}`,
    kind: 'transformers',
    dim,
    async encode(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        const batch = texts.slice(i, i + batchSize).map((t) => (t.trim() ? t : ' '));
        const t = await extractor(batch, { pooling: 'mean', normalize: true });
        for (let r = 0; r < batch.length; r++) out.push(normalizeInPlace(Float32Array.from(t.data.subarray(r * dim, (r + 1) * dim))));
        t.dispose?.();
      }
      return out;
    },
    async close() {
      await (extractor as unknown as { dispose?: () => Promise<void> }).dispose?.();
    },
  };
}
