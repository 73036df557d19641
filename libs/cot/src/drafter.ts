/**
 * J2 as a plain async function of a scored item: market context (recent signals of the asset, running sentiment,
 * regime when given) → the five-step chain under a JSON schema → J6 for the conclusion → the learned policy weighs
 * the final decision → grounding and guards → the audit trail persisted under the signal id.
 *
 * Direction and confidence come from the chain's structured conclusion (and the policy), never from keywords.
 */
import type { DraftSignal, ScoredNews, TradingSignal } from '@himari/contracts';
import { assembleDraft } from '@himari/drafting';
import {
  applyGuards,
  buildCotPrompt,
  COT_STEPS,
  generateStructured,
  groundParsed,
  LlmFlag,
  onGenerationError,
  ragHold,
  retrievalFor,
  claimsFor,
  upstreamWith,
  withBudget,
  type DraftOutcome,
  type DrafterDeps,
  type DrafterSettings,
  type GenerateResult,
  type MarketContext,
  type StructuredOutcome,
} from '@himari/llm';
import { directionToNumber, type SignalDirection } from '@himari/structured-output';
import { chainOutputSchema, parseChain, type ChainParse } from './chain.ts';
import type { RlmfLearner } from './learner.ts';
import { probabilities, weighDecision, type Action } from './policy.ts';
import type { ChainSample, CotStore } from './store.ts';

export interface CotSettings extends DrafterSettings {
  maxStepChars: number;
  samples: number;
  historySignals: number;
}

export interface CotDeps extends DrafterDeps {
  store: CotStore;
  learner: RlmfLearner;
  /** Recent signals of the asset, newest first (the signal store's history). */
  history(asset: string, limit: number): Promise<TradingSignal[]>;
  /** Running sentiment of the asset, when the store keeps one. */
  runningSentiment?(asset: string): Promise<{ value: number; count: number } | null>;
}

type ChainOk = Extract<ChainParse, { ok: true }>;

const DIRECTIONS: Record<Action, SignalDirection> = { [-1]: 'SELL', 0: 'HOLD', 1: 'BUY' };

export interface CotDrafter {
  draft(scored: ScoredNews, nowMs: number, regime?: string): Promise<DraftOutcome>;
}

export function createCotDrafter(s: CotSettings, deps: CotDeps): CotDrafter {
  const stage = 'cot-actor' as const;
  const generator = withBudget(deps.generator, deps.budget);
  const schema = chainOutputSchema({ maxStepChars: s.maxStepChars, maxReasoningChars: s.maxReasoningChars });

  async function context(scored: ScoredNews, nowMs: number, regime: string | undefined): Promise<MarketContext> {
    // Context improves the chain but must not block it: a store that fails gives an empty context.
    const recent = await deps.history(scored.news.asset, s.historySignals).catch(() => [] as TradingSignal[]);
    const running = await (deps.runningSentiment?.(scored.news.asset) ?? Promise.resolve(null)).catch(() => null);
    return {
      recent: recent
        .filter((r) => r.id !== scored.news.id)
        .slice(0, s.historySignals)
        .map((r) => ({
          direction: r.direction,
          sentiment: r.sentiment,
          confidence: r.confidence,
          age_s: Math.max(0, (nowMs - r.timestamp) / 1000),
          event_type: r.event_type,
        })),
      runningSentiment: running ?? undefined,
      regime,
    };
  }

  return {
    async draft(scored, nowMs, regime) {
      const rag = await retrievalFor(scored, stage, s.rag, deps);
      const hits = rag.retrieved?.hits ?? [];
      if (s.rag.mode === 'grounded' && hits.length === 0) {
        deps.metrics.items.inc({ stage, backend: deps.generator.kind, outcome: 'rag_hold' });
        return { kind: 'draft', draft: ragHold(scored, stage, nowMs, rag.flags), outcome: 'rag_hold' };
      }
      const ctx = await context(scored, nowMs, regime);
      const prompt = buildCotPrompt({
        news: scored.news,
        event: scored.event,
        context: ctx,
        maxInputChars: s.maxInputChars,
        maxStepChars: s.maxStepChars,
        maxReasoningChars: s.maxReasoningChars,
        documents: hits,
        maxDocChars: s.rag.maxDocChars,
      });
      const started = performance.now();
      let outs: StructuredOutcome<ChainOk>[];
      try {
        outs = await Promise.all(
          Array.from({ length: s.samples }, (_, i) =>
            generateStructured<ChainOk>(
              generator,
              {
                messages: prompt.messages,
                maxTokens: s.maxTokens,
                temperature: s.temperature,
                schema,
                ...(s.seed !== null ? { seed: s.seed + i } : {}),
              },
              { parse: parseChain, format: 'cot' },
            ),
          ),
        );
      } catch (err) {
        return onGenerationError(err, scored, stage, nowMs, s, deps, rag.flags);
      } finally {
        deps.metrics.backendSeconds.observe({ stage, backend: deps.generator.kind }, (performance.now() - started) / 1000);
      }
      const results: GenerateResult[] = outs.flatMap((o) => o.results);
      for (const r of results) {
        deps.metrics.tokens.inc({ stage, kind: 'prompt' }, r.promptTokens);
        deps.metrics.tokens.inc({ stage, kind: 'completion' }, r.completionTokens);
      }
      const reasked = outs.some((o) => o.reasked);
      if (reasked) deps.metrics.reasks.inc({ stage });
      const parsed = outs.flatMap((o) => (o.ok ? [{ chain: o.parsed, text: o.text }] : []));
      if (parsed.length === 0) {
        const failure = outs.find((o) => !o.ok);
        // A chain that ran out of room before its conclusion is not a poison message: the news still deserves a
        // signal, so the J5/J7 draft goes on and says why (the five steps come before the conclusion in the schema).
        const hitLimit = results.some((r) => r.finishReason === 'length');
        if (hitLimit || (failure && !failure.ok && failure.failure.code === 'truncated')) {
          deps.metrics.chainIncomplete.inc({ stage, reason: hitLimit ? 'token_limit' : 'truncated' });
          deps.metrics.items.inc({ stage, backend: deps.generator.kind, outcome: 'chain_incomplete' });
          const flags = [...rag.flags, LlmFlag.chainCutOff, ...(reasked ? [LlmFlag.reasked] : [])];
          return { kind: 'draft', draft: upstreamWith(scored, stage, nowMs, flags), outcome: 'chain_incomplete' };
        }
        const reason = failure && !failure.ok ? failure.failure.reason : 'no sample';
        deps.metrics.unparseable.inc({ stage, code: failure && !failure.ok ? failure.failure.code : 'invalid' });
        deps.metrics.items.inc({ stage, backend: deps.generator.kind, outcome: 'unparseable' });
        return { kind: 'unparseable', reason };
      }

      // Self-consistency: the majority direction wins; its confidence is discounted by the disagreement.
      const samples: ChainSample[] = parsed.map((p) => ({
        text: p.text,
        direction: directionToNumber(p.chain.value.direction) as Action,
        confidence: p.chain.value.confidence,
        sentiment: p.chain.value.sentiment,
      }));
      const counts = new Map<Action, number>();
      for (const x of samples) counts.set(x.direction, (counts.get(x.direction) ?? 0) + 1);
      const majority = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
      const agreeing = samples.filter((x) => x.direction === majority);
      const chosen = parsed[samples.findIndex((x) => x.direction === majority)]!.chain;
      const modelConfidence = (agreeing.reduce((a, x) => a + x.confidence, 0) / agreeing.length) * (agreeing.length / samples.length);

      const policy = deps.learner.activePolicy();
      const policyProbs = policy
        ? probabilities(policy, { signalDirection: majority, signalConfidence: modelConfidence, factors: chosen.factors })
        : null;
      const decision = weighDecision({ direction: majority, confidence: modelConfidence }, policyProbs, deps.learner.settings.policyWeight);

      const grounded = groundParsed(chosen.value, { text: scored.news.text, documents: hits.map((h) => h.text), asset: scored.news.asset });
      if (grounded.dropped.length > 0) deps.metrics.hallucinatedEntities.inc({ stage }, grounded.dropped.length);
      const value = {
        ...grounded.value,
        direction: DIRECTIONS[decision.direction],
        confidence: decision.confidence,
        reasoning: chainReasoning(chosen, grounded.value.reasoning),
      };
      const assembled = assembleDraft({
        scored,
        actor: stage,
        nowMs,
        parsed: { value, repairs: chosen.repairs, warnings: chosen.warnings },
        provenance: {
          generator: 'llm',
          model: deps.generator.model,
          model_version: policy ? `${deps.generator.modelVersion}+rlmf-policy@${policy.version}` : deps.generator.modelVersion,
          prompt_version: prompt.promptVersion,
        },
      });
      const extra = [...rag.flags];
      if (reasked) extra.push(LlmFlag.reasked);
      if (decision.direction !== majority) extra.push(LlmFlag.policyChangedDirection);
      if (counts.size > 1) extra.push(LlmFlag.samplesDisagree);
      if (!chosen.complete) extra.push(LlmFlag.chainIncomplete);
      const claims = await claimsFor(scored, grounded.value.reasoning, stage, s.rag, deps);
      extra.push(...claims.flags);
      const guarded = applyGuards({
        draft: assembled,
        scored,
        settings: { injectionCap: s.injectionCap, disagreementCap: s.disagreementCap, ungroundedCap: s.ungroundedCap },
        hallucinated: grounded.dropped,
        ungroundedClaims: claims.ungrounded,
        sanitised: prompt.sanitised,
        extraFlags: extra,
      });
      for (const why of guarded.capped) deps.metrics.confidenceCapped.inc({ stage, reason: why });
      saveTrail(deps.store, scored, nowMs, deps, prompt, chosen, majority, modelConfidence, policy, policyProbs, guarded.draft, samples);
      deps.metrics.items.inc({ stage, backend: deps.generator.kind, outcome: 'llm' });
      return { kind: 'draft', draft: guarded.draft, outcome: 'llm' };
    },
  };

  function saveTrail(
    store: CotStore,
    scored: ScoredNews,
    nowMs: number,
    d: CotDeps,
    prompt: ReturnType<typeof buildCotPrompt>,
    chosen: ChainOk,
    modelDirection: Action,
    modelConfidence: number,
    policy: ReturnType<RlmfLearner['activePolicy']>,
    policyProbs: [number, number, number] | null,
    draft: DraftSignal,
    samples: ChainSample[],
  ): void {
    store.saveTrail({
      signal_id: scored.news.id,
      asset: scored.news.asset,
      created_ms: nowMs,
      model: d.generator.model,
      model_version: d.generator.modelVersion,
      prompt_version: prompt.promptVersion,
      prompt: prompt.messages,
      steps: chosen.steps,
      factors: chosen.factors,
      model_direction: modelDirection,
      model_confidence: modelConfidence,
      policy:
        policy && policyProbs ? { version: policy.version, distribution: policyProbs, weight: d.learner.settings.policyWeight } : null,
      final_direction: draft.direction,
      final_confidence: draft.confidence_raw,
      samples,
      flags: draft.flags,
    });
  }
}

/** The signal's reasoning: the model's own, then each step's conclusion (the full steps are in the audit trail). */
function chainReasoning(chain: ChainOk, reasoning: string): string {
  const byKey = new Map(chain.steps.map((st) => [st.key, st.conclusion]));
  const steps = COT_STEPS.map((st, i) => `${i + 1}. ${st.key}: ${byKey.get(st.key) || '(missing)'}`).join(' ');
  return `${reasoning.trim() || 'No reasoning given.'} | Chain: ${steps}`.slice(0, 3800);
}
