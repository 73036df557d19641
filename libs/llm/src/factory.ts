/** From the `llm.opt` / `llm.cot` config sections to a backend, a budget and drafting settings. */
import { readFileSync } from 'node:fs';
import type { Config } from '@himari/config';
import { createLlamaCppGenerator } from './backends/llama-cpp.ts';
import { createOpenAiGenerator } from './backends/openai.ts';
import { createTransformersGenerator } from './backends/transformers.ts';
import { HourlyBudget } from './budget.ts';
import type { DrafterSettings } from './draft-path.ts';
import { MisconfiguredError } from './errors.ts';
import type { TextGenerator } from './types.ts';

export type LlmActorConfig = Config['llm']['opt'] | Config['llm']['cot'];

/** Null for `backend: none`. Loads the model (llama-cpp, transformers): call once at actor start. */
export async function createGenerator(c: LlmActorConfig): Promise<TextGenerator | null> {
  switch (c.backend) {
    case 'none':
      return null;
    case 'llama-cpp': {
      const l = c.llama_cpp;
      if (l.model_path === null) throw new MisconfiguredError('llm backend llama-cpp needs llama_cpp.model_path (a local GGUF file)');
      return createLlamaCppGenerator({
        modelPath: l.model_path,
        lora: l.lora,
        contextSize: l.context_size,
        sequences: l.sequences,
        threads: l.threads,
        gpuLayers: l.gpu_layers,
        chatTemplate: l.chat_template,
      });
    }
    case 'openai-compatible': {
      const o = c.openai;
      let apiKey = o.api_key;
      if (apiKey === null && o.api_key_file !== null) {
        try {
          apiKey = readFileSync(o.api_key_file, 'utf8').trim();
        } catch (err) {
          throw new MisconfiguredError(`cannot read openai.api_key_file ${o.api_key_file}: ${(err as Error).message}`, { cause: err });
        }
      }
      return createOpenAiGenerator({
        baseUrl: o.base_url,
        model: o.model,
        apiKey,
        responseFormat: o.response_format,
        schemaBounds: o.schema_bounds,
        timeoutMs: o.timeout_ms,
        maxRetries: o.max_retries,
        retryBaseMs: o.retry_base_ms,
        concurrency: o.concurrency,
      });
    }
    case 'transformers': {
      const t = c.transformers;
      if (t.model_dir === null)
        throw new MisconfiguredError('llm backend transformers needs transformers.model_dir (a local ONNX decoder folder)');
      return createTransformersGenerator({ modelDir: t.model_dir, dtype: t.dtype });
    }
  }
}

export function budgetFrom(c: LlmActorConfig, clock?: () => number): HourlyBudget {
  return new HourlyBudget({
    tokensPerHour: c.budget.tokens_per_hour,
    usdPerHour: c.budget.usd_per_hour,
    usdPer1kPromptTokens: c.budget.usd_per_1k_prompt_tokens,
    usdPer1kCompletionTokens: c.budget.usd_per_1k_completion_tokens,
    ...(clock ? { clock } : {}),
  });
}

export function drafterSettingsFrom(c: LlmActorConfig): DrafterSettings {
  return {
    temperature: c.temperature,
    maxTokens: c.max_tokens,
    maxInputChars: c.max_input_chars,
    maxReasoningChars: c.max_reasoning_chars,
    seed: c.seed,
    onBackendError: c.on_backend_error,
    injectionCap: c.injection_confidence_cap,
    disagreementCap: c.disagreement_confidence_cap,
    ungroundedCap: c.ungrounded_claim_confidence_cap,
    rag: {
      mode: c.rag.mode,
      topK: c.rag.top_k,
      minSimilarity: c.rag.min_similarity,
      timeoutMs: c.rag.timeout_ms,
      maxDocChars: c.rag.max_doc_chars,
      checkClaims: c.rag.check_claims,
    },
  };
}
