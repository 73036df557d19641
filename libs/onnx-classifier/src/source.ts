/**
 * Where the model comes from: a local directory (the offline default) or a Hugging Face hub id (downloaded only
 * when the configuration allows it). transformers.js reads the same files either way.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { OnnxConfigError, OnnxModelNotFoundError } from './errors.ts';
import type { OnnxClassifierOptions } from './options.ts';

export type ModelSource = { kind: 'local'; dir: string } | { kind: 'hub'; id: string };

export function resolveSource(opts: Pick<OnnxClassifierOptions, 'path' | 'hub_id'>): ModelSource {
  if (opts.path !== null) return { kind: 'local', dir: resolve(opts.path) };
  if (opts.hub_id !== null) return { kind: 'hub', id: opts.hub_id };
  throw new OnnxConfigError('no ONNX model configured: set sentiment.onnx.path (a local model folder) or sentiment.onnx.hub_id');
}

export function describeSource(s: ModelSource): string {
  return s.kind === 'local' ? s.dir : `hub:${s.id}`;
}

/** Name reported in SentimentScore.model: the folder's name or the hub id. */
export function modelName(s: ModelSource): string {
  return s.kind === 'local' ? basename(s.dir) : s.id;
}

export function modelFileName(dtype: OnnxClassifierOptions['dtype']): string {
  return dtype === 'q8' ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx';
}

/** The files transformers.js needs for a text classifier (STACK.md; missing tokenizer_config.json fails late). */
export function requiredFiles(dtype: OnnxClassifierOptions['dtype']): string[] {
  return ['config.json', 'tokenizer.json', 'tokenizer_config.json', modelFileName(dtype)];
}

export function missingFiles(dir: string, dtype: OnnxClassifierOptions['dtype']): string[] {
  return requiredFiles(dtype).filter((f) => !existsSync(join(dir, f)));
}

/** Throws OnnxModelNotFoundError naming every missing file of a local folder. */
export function checkLocalFolder(dir: string, dtype: OnnxClassifierOptions['dtype']): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new OnnxModelNotFoundError(
      `ONNX model folder ${dir} does not exist (remote loading is not used for a local path; the folder needs ${requiredFiles(dtype).join(', ')})`,
    );
  }
  const missing = missingFiles(dir, dtype);
  if (missing.length > 0) {
    throw new OnnxModelNotFoundError(`ONNX model folder ${dir} lacks ${missing.join(', ')} (remote loading is not used for a local path)`);
  }
}

/** transformers.js's file cache keeps `<id>/<file>` (main revision) or `<id>/<revision>/<file>`. */
export function hubCachedFile(id: string, revision: string, file: string, cacheDir: string | null): string | null {
  if (cacheDir === null) return null;
  const candidates = revision === 'main' ? [join(cacheDir, id, file)] : [join(cacheDir, id, revision, file)];
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** `sha256:` + 16 hex digits of the ONNX file: changes whenever any byte of the graph or weights does. */
export async function fileVersion(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return 'sha256:' + h.digest('hex').slice(0, 16);
}
