/**
 * One interface for every text-generation backend. The actors build prompts and read answers; a backend only turns
 * a prompt into text, enforcing a JSON schema at generation time when it can.
 */

export const BackendKind = {
  llamaCpp: 'llama-cpp',
  openAiCompatible: 'openai-compatible',
  transformers: 'transformers',
  /** A scripted generator: tests and benchmarks of the actor itself. */
  scripted: 'scripted',
} as const;
export type BackendKind = (typeof BackendKind)[keyof typeof BackendKind];

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A JSON schema the answer must follow, with the name OpenAI's `response_format` wants. */
export interface OutputSchema {
  name: string;
  /** Plain JSON Schema (the subset both llama.cpp's grammar converter and OpenAI's strict mode accept). */
  jsonSchema: Readonly<Record<string, unknown>>;
}

export interface GenerateRequest {
  /** System instructions, then the user turn (which carries the fenced news). */
  messages: readonly ChatMessage[];
  maxTokens: number;
  temperature: number;
  /** Constrain the answer to this schema where the backend can (`supportsSchema`). */
  schema?: OutputSchema | undefined;
  seed?: number | undefined;
  signal?: AbortSignal | undefined;
}

export type FinishReason = 'stop' | 'length' | 'abort';

export interface GenerateResult {
  text: string;
  /** True when the schema was enforced while generating: the text follows it by construction. */
  constrained: boolean;
  promptTokens: number;
  completionTokens: number;
  finishReason: FinishReason;
  /** Wall time of the backend call, including its own retries. */
  latencyMs: number;
  /** HTTP attempts or engine calls it took (retries included). */
  attempts: number;
}

export interface TextGenerator {
  readonly kind: BackendKind;
  /** Model name and version as signals record them in `provenance`. */
  readonly model: string;
  readonly modelVersion: string;
  /** Whether `schema` is enforced at generation (grammar, `response_format`). */
  readonly supportsSchema: boolean;
  generate(req: GenerateRequest): Promise<GenerateResult>;
  dispose(): Promise<void>;
}

/** Rough token count for budgets and logs when a backend does not report usage: ~4 characters a token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
