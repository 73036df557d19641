/**
 * J2 as a plain async function of a scored item: market context (recent signals of the asset, running sentiment,
 * regime when given) → the five-step chain under a JSON schema → J6 for the conclusion → the learned policy weighs
 * the final decision → the shared `finish` of @himari/llm (grounding, guards) → the audit trail under the signal id.
 *
 * Direction and confidence come from the chain's structured conclusion (and the policy), never from keywords.
 */
import type { DraftSignal, ScoredNews, TradingSignal } from '@himari/contracts';
import {
  buildCotPrompt,
  COT_STEPS,
  createDraftingPath,
  LlmFlag,
  type DraftOutcome,
  type DrafterDeps,
  type DrafterSettings,
  type MarketContext,
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
  const path = createDraftingPath('cot-actor', s, deps);
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
      const retrieved = await path.retrieve(scored, nowMs);
      if (retrieved.kind === 'done') return retrieved.outcome;
      const evidence = retrieved.value;
      const ctx = await context(scored, nowMs, regime);
      const prompt = buildCotPrompt({
        news: scored.news,
        event: scored.event,
        context: ctx,
        maxInputChars: s.maxInputChars,
        maxStepChars: s.maxStepChars,
        maxReasoningChars: s.maxReasoningChars,
        documents: evidence.hits,
        maxDocChars: s.rag.maxDocChars,
      });
      const requests = Array.from({ length: s.samples }, (_, i) => ({
        messages: prompt.messages,
        maxTokens: s.maxTokens,
        temperature: s.temperature,
        schema,
        ...(s.seed !== null ? { seed: s.seed + i } : {}),
      }));
      const generated = await path.generate<ChainOk>(
        scored,
        nowMs,
        evidence,
        requests,
        { parse: parseChain, format: 'cot' },
        { cutOffFlag: LlmFlag.chainCutOff },
      );
      if (generated.kind === 'done') return generated.outcome;
      const { answers, reasked } = generated.value;

      // Self-consistency: the majority direction wins; its confidence is discounted by the disagreement.
      const samples: ChainSample[] = answers.map((p) => ({
        text: p.text,
        direction: directionToNumber(p.parsed.value.direction) as Action,
        confidence: p.parsed.value.confidence,
        sentiment: p.parsed.value.sentiment,
      }));
      const counts = new Map<Action, number>();
      for (const x of samples) counts.set(x.direction, (counts.get(x.direction) ?? 0) + 1);
      const majority = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
      const agreeing = samples.filter((x) => x.direction === majority);
      const chosen = answers[samples.findIndex((x) => x.direction === majority)]!.parsed;
      const modelConfidence = (agreeing.reduce((a, x) => a + x.confidence, 0) / agreeing.length) * (agreeing.length / samples.length);

      const policy = deps.learner.activePolicy();
      const policyProbs = policy
        ? probabilities(policy, { signalDirection: majority, signalConfidence: modelConfidence, factors: chosen.factors })
        : null;
      const decision = weighDecision({ direction: majority, confidence: modelConfidence }, policyProbs, deps.learner.settings.policyWeight);

      const stageFlags: string[] = [];
      if (decision.direction !== majority) stageFlags.push(LlmFlag.policyChangedDirection);
      if (counts.size > 1) stageFlags.push(LlmFlag.samplesDisagree);
      if (!chosen.complete) stageFlags.push(LlmFlag.chainIncomplete);
      return path.finish({
        scored,
        nowMs,
        evidence,
        parsed: {
          value: {
            ...chosen.value,
            direction: DIRECTIONS[decision.direction],
            confidence: decision.confidence,
            reasoning: chainReasoning(chosen, chosen.value.reasoning),
          },
          repairs: chosen.repairs,
          warnings: chosen.warnings,
        },
        claimText: chosen.value.reasoning,
        promptVersion: prompt.promptVersion,
        modelVersion: policy ? `${deps.generator.modelVersion}+rlmf-policy@${policy.version}` : deps.generator.modelVersion,
        sanitised: prompt.sanitised,
        reasked,
        stageFlags,
        record: (draft) =>
          saveTrail(deps.store, scored, nowMs, deps, prompt, chosen, majority, modelConfidence, policy, policyProbs, draft, samples),
      });
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
