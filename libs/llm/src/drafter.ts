/**
 * J1 as a plain async function of a scored item: retrieval → prompt → generation with J6 guaranteed → grounding and
 * guards → a DraftSignal, or a coded reason why not. The actor maps the result onto publish / reject / retry.
 *
 * Failures never stall the item or reach the decision path as a model answer:
 * - budget spent: the J5/J7 draft, flag `llm_budget_exhausted` (load shed; the item is not delayed);
 * - backend down or slow after its retries: the J5/J7 draft with flag `llm_unavailable`, or a retryable error
 *   (`on_backend_error: retry`) that the runtime naks and finally dead-letters;
 * - an answer unreadable after one re-ask: `unparseable` (dead-lettered and counted), never a default HOLD.
 */
import type { DraftSignal, ScoredNews } from '@himari/contracts';
import { assembleDraft, draftFromUpstream, type DraftingActor } from '@himari/drafting';
import { withBudget, type HourlyBudget } from './budget.ts';
import { isBackendFailure, LlmError, LlmErrorCode } from './errors.ts';
import { LlmFlag } from './flags.ts';
import { applyGuards, groundParsed } from './guards.ts';
import type { LlmMetrics } from './metrics.ts';
import { buildOptPrompt, PromptVersion, type OptFormat } from './prompts.ts';
import { checkableClaims, checkClaims, retrieve, type RagRequester, type Retrieved } from './rag.ts';
import { signalOutputSchema } from './schema.ts';
import { generateStructured, parseSignal } from './structured.ts';
import type { TextGenerator } from './types.ts';

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

export interface RetrievalStep {
  retrieved: Retrieved | null;
  flags: string[];
}

/** Retrieval for one item, counted; never throws. */
export async function retrievalFor(scored: ScoredNews, stage: DraftingActor, rag: RagSettings, deps: DrafterDeps): Promise<RetrievalStep> {
  if (rag.mode === 'off' || !deps.ragRequest) return { retrieved: null, flags: [] };
  const retrieved = await retrieve(
    deps.ragRequest,
    { text: scored.news.text, asset: scored.news.asset },
    { subject: deps.ragSubject, topK: rag.topK, minSimilarity: rag.minSimilarity, timeoutMs: rag.timeoutMs },
  );
  deps.metrics.rag.inc({ stage, status: retrieved.status });
  const flags: string[] = [retrieved.status === 'hits' ? LlmFlag.ragDocuments : LlmFlag.ragNoDocuments];
  if (retrieved.status === 'unavailable') flags.push(LlmFlag.ragUnavailable);
  if (retrieved.droppedForInjection > 0) flags.push(LlmFlag.ragDocumentDropped);
  return { retrieved, flags };
}

export interface ClaimStep {
  ungrounded: string[];
  flags: string[];
}

/**
 * J3's check of the model's numbered claims against the news and the stored documents; counted, never throws. Off
 * with retrieval (`rag.mode: off`), with `rag.check_claims: false`, or without a grounding subject.
 */
export async function claimsFor(
  scored: ScoredNews,
  reasoning: string,
  stage: DraftingActor,
  rag: RagSettings,
  deps: DrafterDeps,
): Promise<ClaimStep> {
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
export function upstreamWith(scored: ScoredNews, stage: DraftingActor, nowMs: number, flags: readonly string[]): DraftSignal {
  const d = draftFromUpstream(scored, stage, nowMs);
  return { ...d, flags: [...new Set([...d.flags, ...flags])] };
}

/** The design's RAG path with nothing retrieved: HOLD at low confidence, made by rule, and saying so. */
export function ragHold(scored: ScoredNews, stage: DraftingActor, nowMs: number, flags: readonly string[]): DraftSignal {
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

/** Maps a failed generation onto the configured fallback; rethrows what is not a backend or budget failure. */
export function onGenerationError(
  err: unknown,
  scored: ScoredNews,
  stage: DraftingActor,
  nowMs: number,
  s: DrafterSettings,
  deps: DrafterDeps,
  flags: readonly string[],
): DraftOutcome {
  if (err instanceof LlmError && err.code === LlmErrorCode.budgetExhausted) {
    deps.metrics.items.inc({ stage, backend: deps.generator.kind, outcome: 'budget_shed' });
    return { kind: 'draft', draft: upstreamWith(scored, stage, nowMs, [...flags, LlmFlag.budgetExhausted]), outcome: 'budget_shed' };
  }
  if (isBackendFailure(err)) {
    deps.metrics.items.inc({ stage, backend: deps.generator.kind, outcome: 'backend_error' });
    if (s.onBackendError === 'retry' && err.retryable) return { kind: 'retry', error: err };
    return { kind: 'draft', draft: upstreamWith(scored, stage, nowMs, [...flags, LlmFlag.unavailable]), outcome: 'backend_error' };
  }
  throw err;
}

export interface OptDrafter {
  draft(scored: ScoredNews, nowMs: number): Promise<DraftOutcome>;
}

export function createOptDrafter(format: OptFormat, s: DrafterSettings, deps: DrafterDeps): OptDrafter {
  const stage = 'opt-actor' as const;
  const generator = withBudget(deps.generator, deps.budget);
  const schema = format === 'json' ? signalOutputSchema({ maxReasoningChars: s.maxReasoningChars }) : undefined;

  return {
    async draft(scored, nowMs) {
      const rag = await retrievalFor(scored, stage, s.rag, deps);
      const hits = rag.retrieved?.hits ?? [];
      if (s.rag.mode === 'grounded' && hits.length === 0) {
        deps.metrics.items.inc({ stage, backend: deps.generator.kind, outcome: 'rag_hold' });
        return { kind: 'draft', draft: ragHold(scored, stage, nowMs, rag.flags), outcome: 'rag_hold' };
      }
      const prompt = buildOptPrompt({
        news: scored.news,
        format,
        maxInputChars: s.maxInputChars,
        maxReasoningChars: s.maxReasoningChars,
        documents: hits,
        maxDocChars: s.rag.maxDocChars,
      });
      const started = performance.now();
      let out;
      try {
        out = await generateStructured(
          generator,
          {
            messages: prompt.messages,
            maxTokens: s.maxTokens,
            temperature: s.temperature,
            schema,
            ...(s.seed !== null ? { seed: s.seed } : {}),
          },
          { parse: parseSignal, format },
        );
      } catch (err) {
        return onGenerationError(err, scored, stage, nowMs, s, deps, rag.flags);
      } finally {
        deps.metrics.backendSeconds.observe({ stage, backend: deps.generator.kind }, (performance.now() - started) / 1000);
      }
      for (const r of out.results) {
        deps.metrics.tokens.inc({ stage, kind: 'prompt' }, r.promptTokens);
        deps.metrics.tokens.inc({ stage, kind: 'completion' }, r.completionTokens);
      }
      if (out.reasked) deps.metrics.reasks.inc({ stage });
      if (!out.ok) {
        deps.metrics.unparseable.inc({ stage, code: out.failure.code });
        deps.metrics.items.inc({ stage, backend: deps.generator.kind, outcome: 'unparseable' });
        return { kind: 'unparseable', reason: out.failure.reason };
      }
      const grounded = groundParsed(out.parsed.value, {
        text: scored.news.text,
        documents: hits.map((h) => h.text),
        asset: scored.news.asset,
      });
      if (grounded.dropped.length > 0) deps.metrics.hallucinatedEntities.inc({ stage }, grounded.dropped.length);
      const assembled = assembleDraft({
        scored,
        actor: stage,
        nowMs,
        parsed: { ...out.parsed, value: grounded.value },
        provenance: {
          generator: 'llm',
          model: deps.generator.model,
          model_version: deps.generator.modelVersion,
          prompt_version: prompt.promptVersion,
        },
      });
      const claims = await claimsFor(scored, grounded.value.reasoning, stage, s.rag, deps);
      const guarded = applyGuards({
        draft: assembled,
        scored,
        settings: { injectionCap: s.injectionCap, disagreementCap: s.disagreementCap, ungroundedCap: s.ungroundedCap },
        hallucinated: grounded.dropped,
        ungroundedClaims: claims.ungrounded,
        sanitised: prompt.sanitised,
        extraFlags: [...rag.flags, ...claims.flags, ...(out.reasked ? [LlmFlag.reasked] : [])],
      });
      for (const why of guarded.capped) deps.metrics.confidenceCapped.inc({ stage, reason: why });
      deps.metrics.items.inc({ stage, backend: deps.generator.kind, outcome: 'llm' });
      return { kind: 'draft', draft: guarded.draft, outcome: 'llm' };
    },
  };
}
