import { decodeAs, encode, NewsItem, RagSearchRequest, Stage, Topic, type RagSearchResponse } from '@himari/contracts';
import type { ActorDefinition, InputBinding } from '@himari/actor-runtime';
import type { PipelineDeps } from '../deps.ts';

/**
 * J3. Until the retrieval issue lands there is no index: documents are consumed (so the durable does not lag) and
 * every search answers empty with the note `no_index`, which the LLM actors treat as "nothing retrieved".
 */
export function ragActor(deps: PipelineDeps): ActorDefinition {
  const input: InputBinding<NewsItem> = {
    topic: Topic.newsAccepted,
    decode: (b) => decodeAs(NewsItem, b),
    async handle() {
      return { kind: 'done' };
    },
  };
  return {
    stage: Stage.ragActor,
    inputs: [input],
    services: [
      {
        subject: deps.names.ragSearch,
        async handle(data) {
          let note = 'no_index: retrieval is not built yet';
          try {
            decodeAs(RagSearchRequest, data);
          } catch (err) {
            note = `invalid_request: ${(err as Error).message}`;
          }
          const res: RagSearchResponse = { v: 1, hits: [], index_size: 0, note };
          return encode(res);
        },
      },
    ],
  };
}
