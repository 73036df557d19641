/**
 * Retrieval for the LLM actors: a request to the rag-actor with a short timeout. Retrieval improves a prompt but is
 * never worth waiting for: a timeout, no responder or a bad answer gives no documents and says why.
 */
import { decodeAs, encode, RagSearchResponse, type RagHit, type RagSearchRequest } from '@himari/contracts';
import { detectInjection } from './prompt-safety.ts';

export type RagRequester = (subject: string, data: Uint8Array, timeoutMs: number) => Promise<Uint8Array>;

export interface RetrieveOptions {
  subject: string;
  topK: number;
  minSimilarity: number;
  timeoutMs: number;
}

export interface Retrieved {
  /** Documents fit for the prompt (those carrying instructions aimed at a model are left out). */
  hits: RagHit[];
  status: 'hits' | 'empty' | 'unavailable';
  /** The rag-actor's note (e.g. `no_index`) or the error that made retrieval unavailable. */
  note?: string;
  /** Documents left out because they carried instructions aimed at a model. */
  droppedForInjection: number;
}

export async function retrieve(request: RagRequester, query: { text: string; asset: string }, opts: RetrieveOptions): Promise<Retrieved> {
  const req: RagSearchRequest = {
    v: 1,
    query: query.text.slice(0, 20_000),
    top_k: opts.topK,
    min_similarity: opts.minSimilarity,
    asset: query.asset,
  };
  let res: RagSearchResponse;
  try {
    res = decodeAs(RagSearchResponse, await request(opts.subject, encode(req), opts.timeoutMs));
  } catch (err) {
    const e = err as { name?: string; message?: string };
    return { hits: [], status: 'unavailable', note: `${e.name ?? 'Error'}: ${(e.message ?? String(err)).slice(0, 200)}`, droppedForInjection: 0 };
  }
  // The caller's own item must not come back as its own evidence.
  const relevant = res.hits.filter((h) => h.similarity >= opts.minSimilarity && h.text !== query.text);
  const clean = relevant.filter((h) => detectInjection(h.text).length === 0);
  const note = res.note;
  return {
    hits: clean.slice(0, opts.topK),
    status: clean.length > 0 ? 'hits' : 'empty',
    ...(note !== undefined ? { note } : {}),
    droppedForInjection: relevant.length - clean.length,
  };
}
