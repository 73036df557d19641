/**
 * Retrieval for the LLM actors: a request to the rag-actor with a short timeout. Retrieval improves a prompt but is
 * never worth waiting for: a timeout, no responder or a bad answer gives no documents and says why.
 */
import {
  decodeAs,
  encode,
  RagGroundResponse,
  RagSearchResponse,
  type RagGroundRequest,
  type RagHit,
  type RagSearchRequest,
} from '@himari/contracts';
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
    return { hits: [], status: 'unavailable', note: unavailableNote(err), droppedForInjection: 0 };
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

/**
 * The statements of a model's reasoning that can be checked against evidence: the sentences that state a number
 * (a price, a percentage, a count). Interpretation ("likely bullish") has no source to be found in; a figure does,
 * and a wrong figure is the hallucination that moves money.
 */
export function checkableClaims(reasoning: string, max = 10): string[] {
  return reasoning
    .split(/(?<=[.!?;])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => /\d/.test(s) && s.length >= 8)
    .slice(0, max)
    .map((s) => s.slice(0, 2000));
}

export interface ClaimCheck {
  status: 'checked' | 'none' | 'unavailable';
  /** Claims J3 found support for in neither the news nor its documents. */
  ungrounded: string[];
  note?: string;
}

/** Asks J3's grounding service about the claims; never throws (a silent or failed service is `unavailable`). */
export async function checkClaims(
  request: RagRequester,
  subject: string,
  input: { sourceText: string; asset: string; claims: readonly string[]; topK: number },
  timeoutMs: number,
): Promise<ClaimCheck> {
  if (input.claims.length === 0) return { status: 'none', ungrounded: [] };
  const req: RagGroundRequest = {
    v: 1,
    source_text: input.sourceText.slice(0, 20_000),
    entities: [],
    claims: [...input.claims],
    asset: input.asset,
    top_k: input.topK,
  };
  try {
    const res = decodeAs(RagGroundResponse, await request(subject, encode(req), timeoutMs));
    return { status: 'checked', ungrounded: res.results.filter((r) => r.kind === 'claim' && !r.grounded).map((r) => r.text) };
  } catch (err) {
    return { status: 'unavailable', ungrounded: [], note: unavailableNote(err) };
  }
}

/** Why the rag-actor could not answer (timeout, no responder, a bad reply), short enough for a log line. */
function unavailableNote(err: unknown): string {
  const e = err as { name?: string; message?: string };
  return `${e.name ?? 'Error'}: ${(e.message ?? String(err)).slice(0, 200)}`;
}
