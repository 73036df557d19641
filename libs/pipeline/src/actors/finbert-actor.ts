import { ClassifiedNews, decodeAs, Stage, Topic, type EventInfo, type Route, type SentimentScore } from '@himari/contracts';
import type { ActorDefinition, HandlerOutcome, InputBinding } from '@himari/actor-runtime';
import type { Config } from '@himari/config';
import type { PipelineDeps } from '../deps.ts';

/** High-impact or urgent events deserve the slower chain-of-thought actor; the rest take the fast path. */
export function routeFor(event: EventInfo, routing: Config['routing']): Route {
  return routing.cot_impacts.includes(event.impact) || routing.cot_urgencies.includes(event.urgency) ? 'cot' : 'opt';
}

/**
 * J5: a first sentiment for every classified item, then routing to J1 or J2. A pulled batch (actors.batch_size) is
 * scored in one `scoreBatch` call; with the ONNX model, concurrent batches are micro-batched into one inference.
 * A scorer failure is thrown as is; its `retryable` flag (false for every ONNX/trained model error) decides retry
 * or dead letter.
 */
export function finbertActor(deps: PipelineDeps): ActorDefinition {
  const output = (c: ClassifiedNews, sentiment: SentimentScore, now: number): HandlerOutcome => {
    const route = routeFor(c.event, deps.config.routing);
    const topic = route === 'cot' ? Topic.newsScoredCot : Topic.newsScoredOpt;
    return {
      kind: 'publish',
      outputs: [{ topic, message: { v: 1, news: c.news, event: c.event, sentiment, route, scored_at: now }, msgId: `scored:${c.news.id}` }],
    };
  };
  const input: InputBinding<ClassifiedNews> = {
    topic: Topic.newsClassified,
    decode: (b) => decodeAs(ClassifiedNews, b),
    async handle(c, ctx) {
      return output(c, await deps.scorer.score(c.news.text), ctx.now());
    },
    // A pulled batch is scored in one call (one inference with the ONNX model).
    async handleBatch(items, ctxs) {
      const scores = await deps.scorer.scoreBatch(items.map((c) => c.news.text));
      return items.map((c, i) => output(c, scores[i]!, ctxs[i]!.now()));
    },
  };
  return { stage: Stage.finbertActor, inputs: [input] };
}
