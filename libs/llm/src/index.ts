export {
  estimateTokens,
  BackendKind,
  type ChatMessage,
  type OutputSchema,
  type GenerateRequest,
  type FinishReason,
  type GenerateResult,
  type TextGenerator,
} from './types.ts';
export {
  isBackendFailure,
  LlmErrorCode,
  LlmError,
  BackendUnavailableError,
  BackendTimeoutError,
  BackendRejectedError,
  ModelUnavailableError,
  MisconfiguredError,
  BudgetExhaustedError,
} from './errors.ts';
export { LlmFlag } from './flags.ts';
export { Semaphore, backoffDelayMs } from './limit.ts';
export { HourlyBudget, withBudget, type BudgetOptions, type BudgetState, type Usage, type Reservation } from './budget.ts';
export { signalOutputSchema, withoutLengthBounds, jsonSchemaToGbnf, UnsupportedSchemaError, type TextBounds } from './schema.ts';
export { sanitiseForPrompt, fence, newNonce, detectInjection, type Fence, type SanitisedText } from './prompt-safety.ts';
export {
  PromptVersion,
  buildOptPrompt,
  buildCotPrompt,
  reaskMessages,
  COT_STEPS,
  type CotStepKey,
  type MarketContext,
  type OptFormat,
  type OptPromptInput,
  type CotPromptInput,
  type PromptParts,
} from './prompts.ts';
export { groundEntities, type GroundingEvidence, type GroundingResult } from './grounding.ts';
export { retrieve, type RagRequester, type Retrieved, type RetrieveOptions } from './rag.ts';
export { generateStructured, parseSignal, type Parser, type StructuredOutcome, type StructuredOptions } from './structured.ts';
export {
  applyGuards,
  groundParsed,
  injectionSuspected,
  CLEAR_J5_SENTIMENT,
  type GuardInput,
  type GuardResult,
  type GuardSettings,
} from './guards.ts';
export { createLlmMetrics, type LlmMetrics } from './metrics.ts';
export {
  createOptDrafter,
  retrievalFor,
  claimsFor,
  upstreamWith,
  ragHold,
  onGenerationError,
  RAG_HOLD_CONFIDENCE,
  type OptDrafter,
  type DrafterDeps,
  type DrafterSettings,
  type DraftOutcome,
  type RagSettings,
  type RetrievalStep,
} from './drafter.ts';
export { createGenerator, budgetFrom, drafterSettingsFrom, type LlmActorConfig } from './factory.ts';
export { createLlamaCppGenerator, plainPrompt, type LlamaCppOptions } from './backends/llama-cpp.ts';
export { createOpenAiGenerator, type OpenAiOptions, type ResponseFormatMode } from './backends/openai.ts';
export { createTransformersGenerator, type TransformersOptions } from './backends/transformers.ts';
export {
  readLabelled,
  toPromptCompletion,
  completionFor,
  labelConfidence,
  FinetuneDataError,
  type LabelledExample,
  type Label,
  type Layout,
  type PromptCompletion,
  type PrepareOptions,
} from './finetune.ts';
