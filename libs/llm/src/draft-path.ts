/**
 * The one drafting path J1 (opt) and J2 (cot) share: retrieval and the RAG-path HOLD, generation with J6 guaranteed
 * and the fallbacks of a failed backend, then `finish`: grounding, J3's claim check, the guards, the metrics. A stage
 * supplies only its prompt, its parser and what it makes of the parsed answer.
 *
 * Failures never stall the item or reach the decision path as a model answer:
 * - budget spent: the J5/J7 draft, flag `llm_budget_exhausted` (load shed; the item is not delayed);
 * - backend down or slow after its retries: the J5/J7 draft with flag `llm_unavailable`, or a retryable error
 *   (`on_backend_error: retry`) that the runtime naks and finally dead-letters;
 * - an answer unreadable after one re-ask: `unparseable` (dead-lettered and counted), never a default HOLD.
 */
import type { DraftSignal, RagHit, ScoredNews } from '@himari/contracts';
import { assembleDraft, draftFromUpstream, type DraftingActor, type ParsedOutput } from '@himari/drafting';
import { withBudget, type HourlyBudget } from './budget.ts';
import { isBackendFailure, LlmError, LlmErrorCode } from './errors.ts';
import { LlmFlag } from './flags.ts';
import { applyGuards, groundParsed } from './guards.ts';
import type { LlmMetrics } from './metrics.ts';
import { PromptVersion } from './prompts.ts';
import { checkableClaims, checkClaims, retrieve, type RagRequester } from './rag.ts';
import { generateStructured, type StructuredOptions } from './structured.ts';
import type { GenerateRequest, TextGenerator } from './types.ts';

export interface RagSettings {
  mode: 'off' | 'augment' | 'grounded';
  topK: number;
  minSimilarity: number;
  timeoutMs: number;
  maxDocChars: number;
  /** Ask J3's grounding service about the numbered statements of the model's reasoning (needs `ragGroundSubject`). */
  checkClaims?: boolean;
}

export interface DrafterSettings {
  temperature: number;
  maxTokens: number;
  maxInputChars: number;
  maxReasoningChars: number;
  seed: number | null;
  onBackendError: 'upstream' | 'retry';
  injectionCap: number;
  disagreementCap: number;
  /** Confidence ceiling when a numbered claim is supported by neither the news nor J3's documents. */
  ungroundedCap: number;
  rag: RagSettings;
}

export interface DrafterDeps {
  generator: TextGenerator;
  budget: HourlyBudget;
  metrics: LlmMetrics;
  /** `transport.request`; absent: no retrieval. */
  ragRequest?: RagRequester | undefined;
  ragSubject: string;
  /** J3's grounding subject; absent: claims are not checked. */
  ragGroundSubject?: string | undefined;
}

export type DraftOutcome =
  | { kind: 'draft'; draft: DraftSignal; outcome: 'llm' | 'budget_shed' | 'backend_error' | 'rag_hold' | 'chain_incomplete' }
  | { kind: 'unparseable'; reason: string }
  /** Retryable backend failure under `on_backend_error: retry`: throw it so the runtime naks. */
  | { kind: 'retry'; error: LlmError };

/** Confidence of the design's RAG-path HOLD when nothing was retrieved. */
export const RAG_HOLD_CONFIDENCE = 0.1;

/** A step of the path either hands its result on or has already decided the item. */
export type PathStep<T> = { kind: 'next'; value: T } | { kind: 'done'; outcome: DraftOutcome };

/** What retrieval gave the prompt, and the flags that say so. */
export interface Evidence {
  hits: RagHit[];
  flags: string[];
}

/** The readable answers of one generation step (one per sample), in request order. */
export interface Generated<T> {
  answers: Array<{ parsed: T; text: string }>;
  reasked: boolean;
}

export interface GenerateOptions {
  /**
   * An answer cut off before it could be read (the token limit, or J6 found it truncated) drafts from J5/J7 with
   * this flag, counted as `chain_incomplete`, instead of being dead-lettered as unparseable. J2 sets it: its five
   * steps come before the conclusion, so a long chain runs out of room, and the news still deserves a signal.
   */
  cutOffFlag?: string;
}

export interface FinishInput {
  scored: ScoredNews;
  nowMs: number;
  evidence: Evidence;
  /** The answer as the signal should carry it; its entities are grounded here. */
  parsed: ParsedOutput;
  /** The model's own reasoning, whose numbered statements J3 checks. @default parsed.value.reasoning */
  claimText?: string;
  promptVersion: string;
  /** @default the generator's model version */
  modelVersion?: string;
  /** What sanitising removed from the text before prompting. */
  sanitised: readonly string[];
  reasked: boolean;
  /** The stage's own flags (J2: policy, sample disagreement, an incomplete chain). */
  stageFlags?: readonly string[];
  /** Runs on the final draft before the item is counted (J2's audit trail). */
  record?(draft: DraftSignal): void;
}

export interface DraftingPath {
  /** Retrieval for the item; under `rag.mode: grounded` with nothing found, the RAG-path HOLD decides it. */
  retrieve(scored: ScoredNews, nowMs: number): Promise<PathStep<Evidence>>;
  /**
   * One structured generation per request (J2 samples several), through the budget and J6 with one re-ask. A failed
   * backend maps onto the configured fallback; answers all unreadable make the item `unparseable`.
   */
  generate<T extends { ok: true }>(
    scored: ScoredNews,
    nowMs: number,
    evidence: Evidence,
    requests: readonly GenerateRequest[],
    opts: StructuredOptions<T>,
    options?: GenerateOptions,
  ): Promise<PathStep<Generated<T>>>;
  /** Grounding, J3's claim check, the guards and the count: the model's answer becomes the published draft. */
  finish(input: FinishInput): Promise<DraftOutcome>;
}

export function createDraftingPath(stage: DraftingActor, s: DrafterSettings, deps: DrafterDeps): DraftingPath {
  const generator = withBudget(deps.generator, deps.budget);
  const count = (outcome: 'llm' | 'budget_shed' | 'backend_error' | 'rag_hold' | 'chain_incomplete' | 'unparseable'): void =>
    deps.metrics.items.inc({ stage, backend: deps.generator.kind, outcome });

  /** Maps a failed generation onto the configured fallback; rethrows what is not a backend or budget failure. */
  function onGenerationError(err: unknown, scored: ScoredNews, nowMs: number, flags: readonly string[]): DraftOutcome {
    if (err instanceof LlmError && err.code === LlmErrorCode.budgetExhausted) {
      count('budget_shed');
      return { kind: 'draft', draft: upstreamWith(scored, stage, nowMs, [...flags, LlmFlag.budgetExhausted]), outcome: 'budget_shed' };
    }
    if (isBackendFailure(err)) {
      count('backend_error');
      if (s.onBackendError === 'retry' && err.retryable) return { kind: 'retry', error: err };
      return { kind: 'draft', draft: upstreamWith(scored, stage, nowMs, [...flags, LlmFlag.unavailable]), outcome: 'backend_error' };
    }
    throw err;
  }

  return {
    async retrieve(scored, nowMs) {
      const evidence = await retrievalFor(scored, stage, s.rag, deps);
      if (s.rag.mode === 'grounded' && evidence.hits.length === 0) {
        count('rag_hold');
        return { kind: 'done', outcome: { kind: 'draft', draft: ragHold(scored, stage, nowMs, evidence.flags), outcome: 'rag_hold' } };
      }
      return { kind: 'next', value: evidence };
    },

    async generate(scored, nowMs, evidence, requests, opts, options = {}) {
      const started = performance.now();
      let outs;
      try {
        outs = await Promise.all(requests.map((req) => generateStructured(generator, req, opts)));
      } catch (err) {
        return { kind: 'done', outcome: onGenerationError(err, scored, nowMs, evidence.flags) };
      } finally {
        deps.metrics.backendSeconds.observe({ stage, backend: deps.generator.kind }, (performance.now() - started) / 1000);
      }
      const results = outs.flatMap((o) => o.results);
      for (const r of results) {
        deps.metrics.tokens.inc({ stage, kind: 'prompt' }, r.promptTokens);
        deps.metrics.tokens.inc({ stage, kind: 'completion' }, r.completionTokens);
      }
      const reasked = outs.some((o) => o.reasked);
      if (reasked) deps.metrics.reasks.inc({ stage });
      const answers = outs.flatMap((o) => (o.ok ? [{ parsed: o.parsed, text: o.text }] : []));
      if (answers.length === 0) {
        const failure = outs.find((o) => !o.ok);
        const hitLimit = results.some((r) => r.finishReason === 'length');
        if (options.cutOffFlag !== undefined && (hitLimit || (failure && !failure.ok && failure.failure.code === 'truncated'))) {
          deps.metrics.chainIncomplete.inc({ stage, reason: hitLimit ? 'token_limit' : 'truncated' });
          count('chain_incomplete');
          const flags = [...evidence.flags, options.cutOffFlag, ...(reasked ? [LlmFlag.reasked] : [])];
          return {
            kind: 'done',
            outcome: { kind: 'draft', draft: upstreamWith(scored, stage, nowMs, flags), outcome: 'chain_incomplete' },
          };
        }
        const reason = failure && !failure.ok ? failure.failure.reason : 'no sample';
        deps.metrics.unparseable.inc({ stage, code: failure && !failure.ok ? failure.failure.code : 'invalid' });
        count('unparseable');
        return { kind: 'done', outcome: { kind: 'unparseable', reason } };
      }
      return { kind: 'next', value: { answers, reasked } };
    },

    async finish(input) {
      const { scored, nowMs, evidence } = input;
      const grounded = groundParsed(input.parsed.value, {
        text: scored.news.text,
        documents: evidence.hits.map((h) => h.text),
        asset: scored.news.asset,
      });
      if (grounded.dropped.length > 0) deps.metrics.hallucinatedEntities.inc({ stage }, grounded.dropped.length);
      const assembled = assembleDraft({
        scored,
        actor: stage,
        nowMs,
        parsed: { ...input.parsed, value: grounded.value },
        provenance: {
          generator: 'llm',
          model: deps.generator.model,
          model_version: input.modelVersion ?? deps.generator.modelVersion,
          prompt_version: input.promptVersion,
        },
      });
      const claims = await claimsFor(scored, input.claimText ?? grounded.value.reasoning, stage, s.rag, deps);
      const guarded = applyGuards({
        draft: assembled,
        scored,
        settings: { injectionCap: s.injectionCap, disagreementCap: s.disagreementCap, ungroundedCap: s.ungroundedCap },
        hallucinated: grounded.dropped,
        ungroundedClaims: claims.ungrounded,
        sanitised: input.sanitised,
        extraFlags: [...evidence.flags, ...(input.reasked ? [LlmFlag.reasked] : []), ...(input.stageFlags ?? []), ...claims.flags],
      });
      for (const why of guarded.capped) deps.metrics.confidenceCapped.inc({ stage, reason: why });
      input.record?.(guarded.draft);
      count('llm');
      return { kind: 'draft', draft: guarded.draft, outcome: 'llm' };
    },
  };
}

/** Retrieval for one item, counted; never throws. */
async function retrievalFor(scored: ScoredNews, stage: DraftingActor, rag: RagSettings, deps: DrafterDeps): Promise<Evidence> {
  if (rag.mode === 'off' || !deps.ragRequest) return { hits: [], flags: [] };
  const retrieved = await retrieve(
    deps.ragRequest,
    { text: scored.news.text, asset: scored.news.asset },
    { subject: deps.ragSubject, topK: rag.topK, minSimilarity: rag.minSimilarity, timeoutMs: rag.timeoutMs },
  );
  deps.metrics.rag.inc({ stage, status: retrieved.status });
  const flags: string[] = [retrieved.status === 'hits' ? LlmFlag.ragDocuments : LlmFlag.ragNoDocuments];
  if (retrieved.status === 'unavailable') flags.push(LlmFlag.ragUnavailable);
  if (retrieved.droppedForInjection > 0) flags.push(LlmFlag.ragDocumentDropped);
  return { hits: retrieved.hits, flags };
}

/**
 * J3's check of the model's numbered claims against the news and the stored documents; counted, never throws. Off
 * with retrieval (`rag.mode: off`), with `rag.check_claims: false`, or without a grounding subject.
 */
async function claimsFor(
  scored: ScoredNews,
  reasoning: string,
  stage: DraftingActor,
  rag: RagSettings,
  deps: DrafterDeps,
): Promise<{ ungrounded: string[]; flags: string[] }> {
  if (rag.mode === 'off' || rag.checkClaims === false || !deps.ragRequest || !deps.ragGroundSubject) return { ungrounded: [], flags: [] };
  const check = await checkClaims(
    deps.ragRequest,
    deps.ragGroundSubject,
    { sourceText: scored.news.text, asset: scored.news.asset, claims: checkableClaims(reasoning), topK: rag.topK },
    rag.timeoutMs,
  );
  deps.metrics.claims.inc({ stage, status: check.status }, 1);
  if (check.ungrounded.length > 0) deps.metrics.ungroundedClaims.inc({ stage }, check.ungrounded.length);
  return { ungrounded: check.ungrounded, flags: check.status === 'unavailable' ? [LlmFlag.groundingUnavailable] : [] };
}

/** The J5/J7 draft with a flag saying why no model answer is in it. */
function upstreamWith(scored: ScoredNews, stage: DraftingActor, nowMs: number, flags: readonly string[]): DraftSignal {
  const d = draftFromUpstream(scored, stage, nowMs);
  return { ...d, flags: [...new Set([...d.flags, ...flags])] };
}

/** The design's RAG path with nothing retrieved: HOLD at low confidence, made by rule, and saying so. */
function ragHold(scored: ScoredNews, stage: DraftingActor, nowMs: number, flags: readonly string[]): DraftSignal {
  const d = draftFromUpstream(scored, stage, nowMs);
  return {
    ...d,
    sentiment: 0,
    direction: 0,
    confidence_raw: RAG_HOLD_CONFIDENCE,
    reasoning:
      'RAG path: no relevant documents were retrieved, so no grounded analysis is possible; HOLD at low confidence (no model ran).',
    provenance: { ...d.provenance, prompt_version: PromptVersion.ragHold },
    flags: [...new Set([...d.flags, ...flags])],
  };
}
