import { decodeAs, NewsItem, Stage, Topic } from '@himari/contracts';
import type { ActorDefinition, InputBinding } from '@himari/actor-runtime';
import { classifyEvent } from '@himari/event-classification';
import type { PipelineDeps } from '../deps.ts';

/** J7: category, impact, urgency, entities and decay half-life of each accepted item. */
export function eventClassifierActor(_deps: PipelineDeps): ActorDefinition {
  const input: InputBinding<NewsItem> = {
    topic: Topic.newsAccepted,
    decode: (b) => decodeAs(NewsItem, b),
    async handle(news, ctx) {
      const event = classifyEvent(news.text);
      return {
        kind: 'publish',
        outputs: [{ topic: Topic.newsClassified, message: { v: 1, news, event, classified_at: ctx.now() }, msgId: `classified:${news.id}` }],
      };
    },
  };
  return { stage: Stage.eventClassifier, inputs: [input] };
}
