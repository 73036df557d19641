/**
 * llama.cpp through node-llama-cpp on a local GGUF file. One context with N sequences: up to N requests run at once
 * and llama.cpp evaluates them in one batch. A request's JSON schema becomes a GBNF grammar, so the answer is valid
 * JSON of that shape by construction (numbers in their ranges too). LoRA adapters are applied when the context is
 * created, i.e. at start.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import pLimit from 'p-limit';
import type { Llama, LlamaContext, LlamaContextSequence, LlamaGrammar, LlamaModel } from 'node-llama-cpp';
import { ModelUnavailableError, BackendUnavailableError } from '../errors.ts';
import { jsonSchemaToGbnf, UnsupportedSchemaError } from '../schema.ts';
import {
  BackendKind,
  type ChatMessage,
  type FinishReason,
  type GenerateRequest,
  type GenerateResult,
  type OutputSchema,
  type TextGenerator,
} from '../types.ts';

export interface LlamaCppOptions {
  modelPath: string;
  /** LoRA adapters (GGUF), applied at start. */
  lora?: ReadonlyArray<{ path: string; scale?: number }>;
  /** Tokens per sequence. @default 4096 */
  contextSize?: number;
  /** Requests in flight (batched). @default 2 */
  sequences?: number;
  /** CPU threads; node-llama-cpp's default oversubscribes small machines badly. @default 2 */
  threads?: number;
  /** @default 0 */
  gpuLayers?: number;
  /** `auto`: the model's chat template; `none`: the messages as plain text for completion. @default auto */
  chatTemplate?: 'auto' | 'none';
}

let llamaInstance: Promise<Llama> | undefined;

/** One native runtime per process: loading the bindings is the slow part of a start. */
async function runtime(gpu: boolean): Promise<Llama> {
  llamaInstance ??= (async () => {
    const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
    return getLlama({ gpu: gpu ? 'auto' : false, build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false });
  })();
  try {
    return await llamaInstance;
  } catch (err) {
    llamaInstance = undefined;
    throw new ModelUnavailableError(`llama.cpp runtime unavailable: ${(err as Error).message}`, { cause: err });
  }
}

/** The messages as one text for base models: instructions, then the user turn, then where the answer goes. */
export function plainPrompt(messages: readonly ChatMessage[]): string {
  const parts = messages.map((m) => (m.role === 'assistant' ? `Answer:\n${m.content}` : m.content));
  return `${parts.join('\n\n')}\n\nAnswer:\n`;
}

export async function createLlamaCppGenerator(opts: LlamaCppOptions): Promise<TextGenerator> {
  if (!existsSync(opts.modelPath)) throw new ModelUnavailableError(`llama-cpp: model file ${opts.modelPath} does not exist`);
  for (const a of opts.lora ?? []) {
    if (!existsSync(a.path)) throw new ModelUnavailableError(`llama-cpp: LoRA adapter ${a.path} does not exist`);
  }
  const gpuLayers = opts.gpuLayers ?? 0;
  const llama = await runtime(gpuLayers > 0);
  const sequences = opts.sequences ?? 2;
  let model: LlamaModel;
  let context: LlamaContext;
  try {
    model = await llama.loadModel({ modelPath: opts.modelPath, gpuLayers });
  } catch (err) {
    throw new ModelUnavailableError(`llama-cpp: cannot load ${opts.modelPath}: ${(err as Error).message}`, { cause: err });
  }
  try {
    context = await model.createContext({
      contextSize: opts.contextSize ?? 4096,
      sequences,
      threads: opts.threads ?? 2,
      ...(opts.lora && opts.lora.length > 0
        ? { lora: { adapters: opts.lora.map((a) => ({ filePath: a.path, scale: a.scale ?? 1 })) } }
        : {}),
    });
  } catch (err) {
    await model.dispose();
    throw new ModelUnavailableError(`llama-cpp: cannot create a context for ${opts.modelPath}: ${(err as Error).message}`, { cause: err });
  }
  const free: LlamaContextSequence[] = [];
  for (let i = 0; i < sequences; i++) free.push(context.getSequence());
  const slots = pLimit(sequences);
  const grammars = new Map<string, Promise<LlamaGrammar>>();
  const chatTemplate = opts.chatTemplate ?? 'auto';
  const { LlamaCompletion, LlamaChatSession } = await import('node-llama-cpp');
  const adapters = (opts.lora ?? []).map((a) => basename(a.path)).join('+');
  const modelName = model.fileInfo.metadata.general?.name ?? basename(opts.modelPath);

  const grammarFor = (schema: OutputSchema): Promise<LlamaGrammar> => {
    const key = JSON.stringify(schema.jsonSchema);
    let g = grammars.get(key);
    if (!g) {
      g = (async () => {
        try {
          return await llama.createGrammar({ grammar: jsonSchemaToGbnf(schema.jsonSchema) });
        } catch (err) {
          if (!(err instanceof UnsupportedSchemaError)) throw err;
          // Outside the builder's subset: node-llama-cpp's own converter (ranges then rest on J6's clamp).
          return llama.createGrammarForJsonSchema(schema.jsonSchema as never);
        }
      })();
      grammars.set(key, g);
    }
    return g;
  };

  async function run(seq: LlamaContextSequence, req: GenerateRequest): Promise<{ text: string; stop: string }> {
    const grammar = req.schema ? await grammarFor(req.schema) : undefined;
    const common = {
      maxTokens: req.maxTokens,
      temperature: req.temperature,
      ...(req.seed !== undefined ? { seed: req.seed } : {}),
      ...(grammar ? { grammar } : {}),
      ...(req.signal ? { signal: req.signal, stopOnAbortSignal: true } : {}),
    };
    if (chatTemplate === 'none') {
      const completion = new LlamaCompletion({ contextSequence: seq, autoDisposeSequence: false });
      try {
        const r = await completion.generateCompletionWithMeta(plainPrompt(req.messages), common);
        return { text: r.response, stop: r.metadata.stopReason };
      } finally {
        completion.dispose({ disposeSequence: false });
      }
    }
    const system = req.messages
      .filter((m) => m.role === 'system')
      .map((m) => m.content)
      .join('\n\n');
    const user = req.messages
      .filter((m) => m.role !== 'system')
      .map((m) => m.content)
      .join('\n\n');
    const session = new LlamaChatSession({ contextSequence: seq, systemPrompt: system, autoDisposeSequence: false });
    try {
      const r = await session.promptWithMeta(user, common);
      return { text: r.responseText, stop: r.stopReason };
    } finally {
      session.dispose({ disposeSequence: false });
    }
  }

  return {
    kind: BackendKind.llamaCpp,
    model: modelName,
    modelVersion: `${basename(opts.modelPath)}${adapters ? `+lora:${adapters}` : ''}`,
    supportsSchema: true,
    async generate(req) {
      const started = performance.now();
      return slots(async (): Promise<GenerateResult> => {
        const seq = free.pop();
        if (!seq) throw new BackendUnavailableError('llama-cpp: no free sequence (concurrency limit and pool disagree)');
        const before = seq.tokenMeter.getState();
        try {
          const { text, stop } = await run(seq, req);
          const used = seq.tokenMeter.diff(before);
          const finishReason: FinishReason = stop === 'maxTokens' ? 'length' : stop === 'abort' ? 'abort' : 'stop';
          return {
            text,
            constrained: req.schema !== undefined,
            promptTokens: used.usedInputTokens,
            completionTokens: used.usedOutputTokens,
            finishReason,
            latencyMs: performance.now() - started,
            attempts: 1,
          };
        } catch (err) {
          if (req.signal?.aborted) throw err;
          throw new BackendUnavailableError(`llama-cpp: generation failed: ${(err as Error).message}`, { cause: err });
        } finally {
          free.push(seq);
        }
      });
    },
    async dispose() {
      await context.dispose();
      await model.dispose();
    },
  };
}
