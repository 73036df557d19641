/** J1/J2 language-model settings (owned by the LLM work). */
import { z } from 'zod';

export const LLM_BACKENDS = ['none', 'llama-cpp', 'openai-compatible', 'transformers'] as const;

/** Per rolling hour; the actor sheds load (J5/J7 draft, flag `llm_budget_exhausted`) instead of overspending. */
const BudgetSection = z
  .object({
    /** Prompt + completion tokens per rolling hour; 0: no limit. @default 0 */
    tokens_per_hour: z.number().int().min(0).default(0),
    /** Spend per rolling hour, in USD; 0: no limit. @default 0 */
    usd_per_hour: z.number().min(0).default(0),
    /** @default 0 */
    usd_per_1k_prompt_tokens: z.number().min(0).default(0),
    /** @default 0 */
    usd_per_1k_completion_tokens: z.number().min(0).default(0),
  })
  .prefault({});

const LoraAdapter = z.object({ path: z.string().min(1), scale: z.number().default(1) });

const LlamaCppSection = z
  .object({
    /** A local GGUF file. Required when backend is llama-cpp. */
    model_path: z.string().nullable().default(null),
    /** LoRA adapters (GGUF) applied at start, e.g. the one `docs/finetune.md` trains. @default [] */
    lora: z.array(LoraAdapter).default([]),
    /** Tokens per sequence (prompt + answer). @default 4096 */
    context_size: z.number().int().min(256).default(4096),
    /** Parallel sequences evaluated in one batch: items in flight per process. @default 2 */
    sequences: z.number().int().min(1).max(64).default(2),
    /** CPU threads; set it: llama.cpp's default oversubscribes small machines. @default 2 */
    threads: z.number().int().min(1).max(256).default(2),
    /** Layers offloaded to a GPU; 0 runs on the CPU. @default 0 */
    gpu_layers: z.number().int().min(0).default(0),
    /** `auto`: the model's own chat template; `none`: plain completion of the prompt text (base models). @default auto */
    chat_template: z.enum(['auto', 'none']).default('auto'),
  })
  .prefault({});

const OpenAiSection = z
  .object({
    /** Any OpenAI-compatible server: vLLM, llama.cpp server, Ollama (`/v1`), OpenAI. */
    base_url: z.string().default('http://127.0.0.1:8080/v1'),
    model: z.string().default('local'),
    api_key: z.string().nullable().default(null),
    /** Read once at start; keeps the key out of the config file. */
    api_key_file: z.string().nullable().default(null),
    /**
     * `json_schema`: the schema is enforced by the server (vLLM, llama.cpp server, OpenAI); `json_object`: JSON mode
     * only; `none`: free text, read by J6 (repair, one re-ask). @default json_schema
     */
    response_format: z.enum(['json_schema', 'json_object', 'none']).default('json_schema'),
    /** Send `maxLength` bounds in the schema; set false for OpenAI's own API, whose strict mode rejects them. @default true */
    schema_bounds: z.boolean().default(true),
    /** Per HTTP attempt. @default 30000 */
    timeout_ms: z.number().int().min(50).default(30_000),
    /** Retries after the first attempt on 429, 5xx, timeouts and refused connections. @default 2 */
    max_retries: z.number().int().min(0).max(10).default(2),
    /** First retry delay; doubles each time, with full jitter. @default 250 */
    retry_base_ms: z.number().int().min(1).default(250),
    /** Requests in flight per process. @default 4 */
    concurrency: z.number().int().min(1).max(1024).default(4),
  })
  .prefault({});

const TransformersSection = z
  .object({
    /** A local model folder (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx). */
    model_dir: z.string().nullable().default(null),
    /** `q8` loads onnx/model_quantized.onnx. @default fp32 */
    dtype: z.enum(['fp32', 'q8']).default('fp32'),
  })
  .prefault({});

const RagUse = z
  .object({
    /**
     * `off`: no retrieval. `augment`: the design's RAG prompt when documents are found, the plain prompt otherwise.
     * `grounded`: the design's RAG path: with no documents, a low-confidence HOLD (flag `rag_no_documents`).
     * @default augment
     */
    mode: z.enum(['off', 'augment', 'grounded']).default('augment'),
    top_k: z.number().int().min(1).max(20).default(3),
    min_similarity: z.number().min(-1).max(1).default(0.3),
    /** A slower rag-actor is skipped, never waited for. @default 250 */
    timeout_ms: z.number().int().min(1).default(250),
    /** Each retrieved document is cut to this many characters in the prompt. @default 600 */
    max_doc_chars: z.number().int().min(50).default(600),
    /**
     * Ask J3's grounding service whether each sentence of the model's reasoning that states a number is supported by
     * the news or the stored documents (flag `llm_ungrounded_claims`, confidence capped). @default true
     */
    check_claims: z.boolean().default(true),
  })
  .prefault({});

const common = {
  /** `none`: signals are drafted from J5/J7 and say so in their provenance. */
  backend: z.enum(LLM_BACKENDS).default('none'),
  /** @default 0.1 */
  temperature: z.number().min(0).max(2).default(0.1),
  /** News text longer than this is cut (at a word) before it enters the prompt. @default 2000 */
  max_input_chars: z.number().int().min(64).default(2000),
  /** Longest reasoning the model may write (bounded in the output schema, so generation always ends). @default 400 */
  max_reasoning_chars: z.number().int().min(16).max(4000).default(400),
  /** Sampling seed; null: a fresh one per request. @default null */
  seed: z.number().int().nullable().default(null),
  /**
   * After the backend's own retries: `upstream` passes the item on with the J5/J7 draft and flag `llm_unavailable`;
   * `retry` naks it for redelivery (dead-lettered after actors.retry.max_deliver). @default upstream
   */
  on_backend_error: z.enum(['upstream', 'retry']).default('upstream'),
  /** Confidence ceiling of an item that carries instructions aimed at the model. @default 0.3 */
  injection_confidence_cap: z.number().min(0).max(1).default(0.3),
  /** Confidence ceiling when the model's direction contradicts a clear J5 sentiment. @default 0.5 */
  disagreement_confidence_cap: z.number().min(0).max(1).default(0.5),
  /** Confidence ceiling when a numbered claim of the model is in neither the news nor J3's documents. @default 0.4 */
  ungrounded_claim_confidence_cap: z.number().min(0).max(1).default(0.4),
  budget: BudgetSection,
  rag: RagUse,
  llama_cpp: LlamaCppSection,
  openai: OpenAiSection,
  transformers: TransformersSection,
};

const RlmfSection = z
  .object({
    /** Learn from outcomes on `himari.v1.outcome`. @default true */
    enabled: z.boolean().default(true),
    /** Experiences kept (oldest dropped first). @default 10000 */
    buffer_size: z.number().int().min(10).default(10_000),
    /** New experiences between two policy-gradient updates. @default 32 */
    update_every: z.number().int().min(1).default(32),
    /** Passes over the buffer per update. @default 2 */
    epochs: z.number().int().min(1).max(100).default(2),
    /** @default 0.05 */
    learning_rate: z.number().positive().max(10).default(0.05),
    /** Weight of the policy against the model's own conclusion in the final decision. @default 0.3 */
    policy_weight: z.number().min(0).max(1).default(0.3),
    /** The policy weighs decisions only after this many experiences. @default 100 */
    min_experiences: z.number().int().min(0).default(100),
    /** @default 7 */
    seed: z.number().int().default(7),
  })
  .prefault({});

export const LlmSection = z
  .object({
    opt: z
      .object({
        ...common,
        /** `json`: the J6 JSON prompt; `lines`: the design's SENTIMENT/CONFIDENCE/DIRECTION/REASONING prompt. @default json */
        prompt: z.enum(['json', 'lines']).default('json'),
        /** @default 256 */
        max_tokens: z.number().int().min(16).max(32_768).default(256),
      })
      .prefault({}),
    cot: z
      .object({
        ...common,
        /**
         * Room for the whole chain: five steps at max_step_chars each, the factors and the conclusion (about 2,000
         * tokens at the default bounds, see chainTokenBound in @himari/cot). A chain cut off before its conclusion is
         * drafted from J5/J7 with flag `llm_chain_incomplete`. @default 2048
         */
        max_tokens: z.number().int().min(64).max(32_768).default(2048),
        /** Longest thought, evidence or conclusion of one reasoning step. @default 300 */
        max_step_chars: z.number().int().min(16).max(2000).default(300),
        /** Chains sampled per item; the majority conclusion wins and pairs for preference data come from them. @default 1 */
        samples: z.number().int().min(1).max(8).default(1),
        /** Recent signals of the asset given to the model as market context. @default 5 */
        history_signals: z.number().int().min(0).max(50).default(5),
        /** SQLite file for reasoning audit trails, experience and the policy; null: in memory (lost on exit). */
        db_path: z.string().nullable().default(null),
        rlmf: RlmfSection,
      })
      .prefault({}),
  })
  .prefault({});
