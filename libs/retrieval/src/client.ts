/**
 * How other actors reach J3 over the bus: request-reply with a short timeout, never blocking the signal path for
 * long. A missing, slow or failing rag-actor gives `novelty: null` and the flag `novelty_unavailable` (the signal
 * says so), not a stuck pipeline.
 */
import {
  decodeAs,
  encode,
  RagGroundResponse,
  RagNoveltyResponse,
  RagSearchResponse,
  type BusNames,
  type NewsItem,
  type Novelty,
  type RagGroundRequest,
  type RagNoveltyRequest,
  type RagSearchRequest,
} from '@himari/contracts';
import type { Transport } from '@himari/bus';

export const NoveltyFlag = {
  /** J3 did not answer in time (or at all): the item's novelty is unknown. */
  unavailable: 'novelty_unavailable',
  /** J3 marked the item a repeat of an earlier story (`novelty.duplicate_of`). */
  duplicate: 'duplicate_story',
} as const;

export interface NoveltyAnswer {
  novelty: Novelty | null;
  flags: string[];
  /** Why there is no novelty, for the log. */
  reason?: string;
}

export async function requestNovelty(transport: Transport, names: BusNames, news: NewsItem, timeoutMs: number): Promise<NoveltyAnswer> {
  const { novelty: _prior, ...item } = news;
  const req: RagNoveltyRequest = { v: 1, news: item };
  try {
    const res = decodeAs(RagNoveltyResponse, await transport.request(names.ragNovelty, encode(req), timeoutMs));
    return { novelty: res.novelty, flags: res.novelty.duplicate_of !== undefined ? [NoveltyFlag.duplicate] : [] };
  } catch (err) {
    const e = err as Error;
    return { novelty: null, flags: [NoveltyFlag.unavailable], reason: `${e.name}: ${e.message}` };
  }
}

/** Attaches J3's answer to the item: `news.novelty` travels with it to the signal; flags are added once. */
export function withNovelty(news: NewsItem, answer: NoveltyAnswer): NewsItem {
  const flags = [...news.flags];
  for (const f of answer.flags) if (!flags.includes(f)) flags.push(f);
  return { ...news, novelty: answer.novelty, flags };
}

export async function ragSearch(
  transport: Transport,
  names: BusNames,
  req: RagSearchRequest,
  timeoutMs: number,
): Promise<RagSearchResponse> {
  return decodeAs(RagSearchResponse, await transport.request(names.ragSearch, encode(req), timeoutMs));
}

export async function ragGround(
  transport: Transport,
  names: BusNames,
  req: RagGroundRequest,
  timeoutMs: number,
): Promise<RagGroundResponse> {
  return decodeAs(RagGroundResponse, await transport.request(names.ragGround, encode(req), timeoutMs));
}
