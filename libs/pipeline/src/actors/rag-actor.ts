import {
  decodeAs,
  encode,
  NewsItem,
  RagGroundRequest,
  RagNoveltyRequest,
  RagSearchRequest,
  Stage,
  Topic,
  type RagGroundResponse,
  type RagNoveltyResponse,
  type RagSearchResponse,
} from '@himari/contracts';
import type { ActorDefinition, InputBinding } from '@himari/actor-runtime';
import { createRagMetrics, RetrievalService } from '@himari/retrieval';
import type { PipelineDeps } from '../deps.ts';

/** How often snapshots and retention sweeps are checked (each has its own interval in `rag.*`). */
const TICK_MS = 1000;

/**
 * J3. Keeps every accepted document (store + vector index, `rag.dir`), and answers over request-reply:
 * - `ragSearch`: top_k / min_similarity / asset / since_ms search, for the LLM actors' RAG prompt;
 * - `ragNovelty`: the novelty of one item, storing it if new (the event classifier asks on the signal path);
 * - `ragGround`: are a model's entities and claims in the source or in retrieved documents.
 * One replica per `rag.dir`: the folder is locked, since novelty is defined against "everything stored before".
 * Documents reach the store from `news.accepted` and from novelty requests, whichever comes first (idempotent).
 */
export function ragActor(deps: PipelineDeps): ActorDefinition {
  const log = deps.log.child({ component: 'rag' });
  const metrics = createRagMetrics(deps.registry);
  let opening: Promise<RetrievalService> | undefined;
  const service = (): Promise<RetrievalService> =>
    (opening ??= RetrievalService.open({ config: deps.config.rag, log, clock: deps.clock, metrics }).catch((err: unknown) => {
      opening = undefined;
      throw err;
    }));

  const input: InputBinding<NewsItem> = {
    topic: Topic.newsAccepted,
    decode: (b) => decodeAs(NewsItem, b),
    async handle(news) {
      await (await service()).ingest(news);
      return { kind: 'done' };
    },
    // A pulled batch is encoded in one call.
    async handleBatch(items) {
      await (await service()).ingestMany(items);
      return items.map(() => ({ kind: 'done' as const }));
    },
  };

  // Novelty requests arriving in the same turn of the event loop (a classifier's batch) share one encoder call.
  let waiting: { item: NewsItem; resolve(r: RagNoveltyResponse): void; reject(err: unknown): void }[] = [];
  const flushNovelty = async (): Promise<void> => {
    const batch = waiting;
    waiting = [];
    try {
      const answers = await (await service()).noveltyMany(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(answers[i]!));
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  };
  const novelty = (item: NewsItem): Promise<RagNoveltyResponse> =>
    new Promise((resolve, reject) => {
      if (waiting.length === 0) setImmediate(() => void flushNovelty());
      waiting.push({ item, resolve, reject });
    });

  return {
    stage: Stage.ragActor,
    inputs: [input],
    services: [
      {
        subject: deps.names.ragSearch,
        async handle(data) {
          let req: RagSearchRequest;
          try {
            req = decodeAs(RagSearchRequest, data);
          } catch (err) {
            const res: RagSearchResponse = { v: 1, hits: [], index_size: 0, note: `invalid_request: ${(err as Error).message}` };
            return encode(res);
          }
          return encode(await (await service()).search(req));
        },
      },
      {
        subject: deps.names.ragNovelty,
        // An invalid request throws: the caller gets a remote error and records novelty as unavailable.
        handle: async (data) => encode(await novelty(decodeAs(RagNoveltyRequest, data).news)),
      },
      {
        subject: deps.names.ragGround,
        async handle(data) {
          let req: RagGroundRequest;
          try {
            req = decodeAs(RagGroundRequest, data);
          } catch (err) {
            const res: RagGroundResponse = { v: 1, results: [], grounded: false, note: `invalid_request: ${(err as Error).message}` };
            return encode(res);
          }
          return encode(await (await service()).ground(req));
        },
      },
    ],
    async start() {
      const svc = await service();
      const timer = setInterval(() => {
        try {
          svc.tick();
        } catch (err) {
          log.error({ err: (err as Error).message }, 'J3 snapshot or retention sweep failed; retried next tick');
        }
      }, TICK_MS);
      timer.unref();
      return async () => {
        clearInterval(timer);
        await svc.close();
      };
    },
  };
}
