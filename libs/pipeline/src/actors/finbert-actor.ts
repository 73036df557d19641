import { ClassifiedNews, decodeAs, Stage, Topic, type EventInfo, type Route } from '@himari/contracts';
import type { ActorDefinition, InputBinding } from '@himari/actor-runtime';
import type { Config } from '@himari/config';
import type { PipelineDeps } from '../deps.ts';

/** High-impact or urgent events deserve the slower chain-of-thought actor; the rest take the fast path. */
export function routeFor(event: EventInfo, routing: Config['routing']): Route {
  return routing.cot_impacts.includes(event.impact) || routing.cot_urgencies.includes(event.urgency) ? 'cot' : 'opt';
}

/**
 * J5: a first sentiment for every classified item, then routing to J1 or J2. The scorer is async: with the ONNX
 * model, the `score` calls of the handlers in flight (actors.concurrency) are micro-batched into one inference.
 * A scorer failure is thrown as is; its `retryable` flag (false for every ONNX/trained model error) decides retry
 * or dead letter.
 */
export function finbertActor(deps: PipelineDeps): ActorDefinition {
  const input: InputBinding<ClassifiedNews> = {
    topic: Topic.newsClassified,
    decode: (b) => decodeAs(ClassifiedNews, b),
    async handle(c, ctx) {
      const sentiment = await deps.scorer.score(c.news.text);
      const route = routeFor(c.event, deps.config.routing);
      const topic = route === 'cot' ? Topic.newsScoredCot : Topic.newsScoredOpt;
      return {
        kind: 'publish',
        outputs: [
          { topic, message: { v: 1, news: c.news, event: c.event, sentiment, route, scored_at: ctx.now() }, msgId: `scored:${c.news.id}` },
        ],
      };
    },
  };
  return { stage: Stage.finbertActor, inputs: [input] };
}
