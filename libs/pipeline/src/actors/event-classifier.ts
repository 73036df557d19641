import { decodeAs, NewsItem, Stage, Topic } from '@himari/contracts';
import type { ActorDefinition, InputBinding } from '@himari/actor-runtime';
import { classifyEvent } from '@himari/event-classification';
import { requestNovelty, withNovelty } from '@himari/retrieval';
import type { PipelineDeps } from '../deps.ts';

/**
 * J7: category, impact, urgency, entities and decay half-life of each accepted item. As the first stage after the
 * ingestor it also asks J3 for the item's novelty (`rag.novelty`), which then travels in `news.novelty` to the
 * signal: a short request with a timeout; no answer gives `novelty: null` and the flag `novelty_unavailable`, never
 * a blocked path.
 */
export function eventClassifierActor(deps: PipelineDeps): ActorDefinition {
  const novelty = deps.config.rag.novelty;
  const input: InputBinding<NewsItem> = {
    topic: Topic.newsAccepted,
    decode: (b) => decodeAs(NewsItem, b),
    async handle(accepted, ctx) {
      let news = accepted;
      if (novelty.enabled) {
        const answer = await requestNovelty(deps.transport, deps.names, accepted, novelty.timeout_ms);
        if (answer.reason) ctx.log.debug({ id: accepted.id, reason: answer.reason }, 'J3 novelty unavailable');
        news = withNovelty(accepted, answer);
      }
      const event = classifyEvent(news.text);
      return {
        kind: 'publish',
        outputs: [
          { topic: Topic.newsClassified, message: { v: 1, news, event, classified_at: ctx.now() }, msgId: `classified:${news.id}` },
        ],
      };
    },
  };
  return { stage: Stage.eventClassifier, inputs: [input] };
}
