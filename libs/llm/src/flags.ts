/** Flags the LLM actors add to a signal: each says what happened to this item and why its numbers are what they are. */
export const LlmFlag = {
  /** The text carries instructions aimed at a model (from the ingestor or the actor's own check). */
  possiblePromptInjection: 'possible_prompt_injection',
  /** Confidence was lowered to the configured ceiling (see the other flags for why). */
  confidenceCapped: 'llm_confidence_capped',
  /** The model's direction contradicts a clear J5 sentiment. */
  upstreamDisagreement: 'llm_upstream_disagreement',
  /** Entities the model named that appear nowhere in the text, the dictionary or the retrieved documents were dropped. */
  hallucinatedEntities: 'llm_hallucinated_entities',
  /** Role markers, chat-template tokens or fence look-alikes were removed from the text before prompting. */
  promptTextSanitised: 'llm_prompt_text_sanitised',
  /** The first answer could not be read; a second one was asked for and used. */
  reasked: 'llm_reasked',
  /** The hourly token or cost budget was spent: drafted from J5/J7 instead (load shed, not a model answer). */
  budgetExhausted: 'llm_budget_exhausted',
  /** The backend failed after its retries: drafted from J5/J7 instead. */
  unavailable: 'llm_unavailable',
  /** Retrieved documents were used (the design's RAG prompt). */
  ragDocuments: 'rag_documents',
  /** Retrieval found nothing (or was unavailable). */
  ragNoDocuments: 'rag_no_documents',
  /** The rag-actor did not answer in time or was unreachable; the item went on without documents. */
  ragUnavailable: 'rag_unavailable',
  /** A retrieved document carried instructions aimed at a model and was left out of the prompt. */
  ragDocumentDropped: 'rag_document_dropped_injection',
  /** A statement with a number in the model's reasoning is supported neither by the news nor by J3's documents. */
  ungroundedClaims: 'llm_ungrounded_claims',
  /** J3's grounding service did not answer in time: the model's numbers went unchecked. */
  groundingUnavailable: 'rag_grounding_unavailable',
  /** The chain-of-thought's learned policy changed the model's direction. */
  policyChangedDirection: 'rlmf_policy_changed_direction',
  /** Sampled chains disagreed on the direction; the majority won. */
  samplesDisagree: 'cot_samples_disagree',
  /** The chain's reasoning steps were missing or incomplete; the conclusion was still readable. */
  chainIncomplete: 'cot_chain_incomplete',
  /**
   * The chain ran out of room (the token limit, or an answer cut before its conclusion) and no conclusion could be
   * read: the J5/J7 draft went on instead of a dead letter.
   */
  chainCutOff: 'llm_chain_incomplete',
} as const;
export type LlmFlag = (typeof LlmFlag)[keyof typeof LlmFlag];
