/**
 * transformers.js text generation on a local ONNX decoder (the design's OPT family, GPT-2, SmolLM, Qwen exist in
 * that form). Offline only: remote models are disabled and the folder must hold config.json, tokenizer.json,
 * tokenizer_config.json and onnx/model.onnx (or onnx/model_quantized.onnx for q8). It cannot enforce a schema while
 * generating, so J6 reads its answers (repair, one re-ask). Calls run one at a time: onnxruntime already uses the
 * cores for one sequence.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import pLimit from 'p-limit';
import { ModelUnavailableError, BackendUnavailableError } from '../errors.ts';
import { BackendKind, type GenerateResult, type TextGenerator } from '../types.ts';
import { plainPrompt } from './llama-cpp.ts';

export interface TransformersOptions {
  modelDir: string;
  /** @default 'fp32' */
  dtype?: 'fp32' | 'q8';
}

const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/** The slice of transformers.js this backend uses (typed loosely: its generics are wider than we need). */
interface Tokenizer {
  (text: string, opts?: Record<string, unknown>): { input_ids: TensorLike; attention_mask: TensorLike };
  chat_template?: unknown;
  eos_token_id?: number | null;
  apply_chat_template(messages: unknown, opts: Record<string, unknown>): string;
  decode(ids: number[] | bigint[], opts?: Record<string, unknown>): string;
}
interface TensorLike {
  dims: number[];
  tolist(): unknown;
}
interface CausalLm {
  generate(opts: Record<string, unknown>): Promise<TensorLike>;
  dispose?(): Promise<unknown>;
}

export async function createTransformersGenerator(opts: TransformersOptions): Promise<TextGenerator> {
  const dir = resolve(opts.modelDir);
  const dtype = opts.dtype ?? 'fp32';
  const onnx = join(dir, 'onnx', dtype === 'q8' ? 'model_quantized.onnx' : 'model.onnx');
  const missing = [...REQUIRED_FILES.map((f) => join(dir, f)), onnx].filter((f) => !existsSync(f));
  if (missing.length > 0) {
    throw new ModelUnavailableError(
      `transformers: model folder ${dir} is missing ${missing.map((f) => f.slice(dir.length + 1)).join(', ')}`,
    );
  }
  const t = await import('@huggingface/transformers');
  t.env.allowRemoteModels = false;
  t.env.allowLocalModels = true;
  t.env.localModelPath = `${dirname(dir)}/`;
  let tokenizer: Tokenizer;
  let model: CausalLm;
  try {
    tokenizer = (await t.AutoTokenizer.from_pretrained(basename(dir))) as unknown as Tokenizer;
    model = (await t.AutoModelForCausalLM.from_pretrained(basename(dir), { dtype, device: 'cpu' })) as unknown as CausalLm;
  } catch (err) {
    throw new ModelUnavailableError(`transformers: cannot load ${dir}: ${(err as Error).message}`, { cause: err });
  }
  const chat = typeof tokenizer.chat_template === 'string' && tokenizer.chat_template.length > 0;
  const eos = typeof tokenizer.eos_token_id === 'number' ? tokenizer.eos_token_id : null;
  const one = pLimit(1);

  return {
    kind: BackendKind.transformers,
    model: basename(dir),
    modelVersion: `${basename(dir)}@${dtype}`,
    supportsSchema: false,
    async generate(req) {
      const started = performance.now();
      const prompt = chat
        ? tokenizer.apply_chat_template(
            req.messages.map((m) => ({ role: m.role, content: m.content })),
            { tokenize: false, add_generation_prompt: true },
          )
        : plainPrompt(req.messages);
      return one(async (): Promise<GenerateResult> => {
        let ids: number[];
        let promptLength: number;
        try {
          const inputs = tokenizer(prompt);
          promptLength = inputs.input_ids.dims.at(-1) ?? 0;
          const out = await model.generate({
            ...inputs,
            max_new_tokens: req.maxTokens,
            do_sample: req.temperature > 0,
            ...(req.temperature > 0 ? { temperature: req.temperature } : {}),
          });
          ids = ((out.tolist() as Array<Array<number | bigint>>)[0] ?? []).slice(promptLength).map(Number);
        } catch (err) {
          throw new BackendUnavailableError(`transformers: generation failed: ${(err as Error).message}`, { cause: err });
        }
        const stopped = eos !== null && ids.at(-1) === eos;
        return {
          text: tokenizer.decode(ids, { skip_special_tokens: true }).trim(),
          constrained: false,
          promptTokens: promptLength,
          completionTokens: ids.length,
          finishReason: stopped || ids.length < req.maxTokens ? 'stop' : 'length',
          latencyMs: performance.now() - started,
          attempts: 1,
        };
      });
    },
    async dispose() {
      await model.dispose?.();
    },
  };
}
