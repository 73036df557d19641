/**
 * J1 as a plain async function of a scored item: retrieval → prompt → generation with J6 guaranteed → `finish`
 * (grounding and guards) → a DraftSignal, or a coded reason why not. The actor maps the result onto
 * publish / reject / retry; the steps and their fallbacks are the shared drafting path's (draft-path.ts).
 */
import type { ScoredNews } from '@himari/contracts';
import { createDraftingPath, type DrafterDeps, type DrafterSettings, type DraftOutcome } from './draft-path.ts';
import { buildOptPrompt, type OptFormat } from './prompts.ts';
import { signalOutputSchema } from './schema.ts';
import { parseSignal } from './structured.ts';

export interface OptDrafter {
  draft(scored: ScoredNews, nowMs: number): Promise<DraftOutcome>;
}

export function createOptDrafter(format: OptFormat, s: DrafterSettings, deps: DrafterDeps): OptDrafter {
  const path = createDraftingPath('opt-actor', s, deps);
  const schema = format === 'json' ? signalOutputSchema({ maxReasoningChars: s.maxReasoningChars }) : undefined;

  return {
    async draft(scored, nowMs) {
      const retrieved = await path.retrieve(scored, nowMs);
      if (retrieved.kind === 'done') return retrieved.outcome;
      const evidence = retrieved.value;
      const prompt = buildOptPrompt({
        news: scored.news,
        format,
        maxInputChars: s.maxInputChars,
        maxReasoningChars: s.maxReasoningChars,
        documents: evidence.hits,
        maxDocChars: s.rag.maxDocChars,
      });
      const request = {
        messages: prompt.messages,
        maxTokens: s.maxTokens,
        temperature: s.temperature,
        schema,
        ...(s.seed !== null ? { seed: s.seed } : {}),
      };
      const generated = await path.generate(scored, nowMs, evidence, [request], { parse: parseSignal, format });
      if (generated.kind === 'done') return generated.outcome;
      const { answers, reasked } = generated.value;
      return path.finish({
        scored,
        nowMs,
        evidence,
        parsed: answers[0]!.parsed,
        promptVersion: prompt.promptVersion,
        sanitised: prompt.sanitised,
        reasked,
      });
    },
  };
}
