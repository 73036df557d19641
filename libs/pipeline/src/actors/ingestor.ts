import { Stage, Topic } from '@himari/contracts';
import type { ActorDefinition, HandlerOutcome, InputBinding } from '@himari/actor-runtime';
import { normaliseRaw, RejectCode } from '@himari/ingest';
import type { PipelineDeps } from '../deps.ts';

/** J8: external bytes in, a validated NewsItem out; duplicates of a news id rejected by the first claim. */
export function ingestorActor(deps: PipelineDeps): ActorDefinition {
  const opts = {
    maxTextChars: deps.config.ingest.max_text_chars,
    maxMessageBytes: deps.config.ingest.max_message_bytes,
    defaultSource: deps.config.ingest.default_source,
    maxFutureSkewMs: deps.config.ingest.max_future_skew_s * 1000,
  };
  const input: InputBinding<Uint8Array> = {
    topic: Topic.newsRaw,
    decode: (bytes) => bytes,
    // Claims in delivery order, batch after batch, so that within a replica the first line to carry an id wins it.
    ordered: true,
    async handleBatch(items, ctxs) {
      const out: HandlerOutcome[] = [];
      for (let i = 0; i < items.length; i++) out.push(await input.handle(items[i]!, ctxs[i]!));
      return out;
    },
    async handle(bytes, ctx): Promise<HandlerOutcome> {
      const result = normaliseRaw(bytes, opts, ctx.now());
      if (!result.ok) {
        return {
          kind: 'reject',
          code: result.code,
          reason: result.reason,
          ...(result.newsId !== undefined ? { newsId: result.newsId } : {}),
        };
      }
      const item = result.item;
      const claim = await deps.store.claimNewsId(item.id, ctx.msgId || `seq-${ctx.seq}`);
      if (claim === 'duplicate') {
        return {
          kind: 'reject',
          code: RejectCode.duplicate_id,
          reason: `duplicate id ${JSON.stringify(item.id)}: an earlier message already carried it`,
          newsId: item.id,
        };
      }
      return { kind: 'publish', outputs: [{ topic: Topic.newsAccepted, message: item, msgId: `accepted:${item.id}` }] };
    },
  };
  return { stage: Stage.ingestor, inputs: [input] };
}
