/**
 * J3 grounding: is each entity and numbered claim of a model's answer in the news itself, or in a stored document the
 * claim retrieves? The best support wins: a grounded one over an ungrounded one, then the higher coverage.
 */
import type { GroundingResult, RagGroundRequest, RagGroundResponse } from '@himari/contracts';
import type { Encoder } from '@himari/embeddings';
import { claimGrounded, claimSupport, entityIn, indexText, type ClaimSupport, type TextIndex } from './grounding.ts';
import type { Searcher } from './search.ts';
import type { DocStore } from './store.ts';

export interface GroundDeps {
  store: DocStore;
  encoder: Encoder;
  searcher: Searcher;
  /** rag.grounding.min_coverage */
  minCoverage: number;
}

interface Support {
  s: ClaimSupport;
  where: GroundingResult['where'];
  id?: string;
}

export async function groundRequest(req: RagGroundRequest, deps: GroundDeps): Promise<RagGroundResponse> {
  const sources: { id?: string; t: TextIndex }[] = [];
  let note: string | undefined;
  if (req.source_text !== undefined) sources.push({ t: indexText(req.source_text) });
  if (req.source_id !== undefined) {
    const doc = deps.store.getById(req.source_id);
    if (doc) sources.push({ id: doc.id, t: indexText(doc.text) });
    else note = `source_id ${req.source_id} is not stored`;
  }
  const items = [
    ...req.entities.map((text) => ({ kind: 'entity' as const, text })),
    ...req.claims.map((text) => ({ kind: 'claim' as const, text })),
  ];
  const vectors = req.top_k > 0 ? await deps.encoder.encode(items.map((i) => i.text)) : [];
  const results = items.map((item, n): GroundingResult => {
    const check = (t: TextIndex): ClaimSupport =>
      item.kind === 'entity' ? { coverage: entityIn(item.text, t) ? 1 : 0, missingNumbers: [] } : claimSupport(item.text, t);
    const ok = (s: ClaimSupport): boolean => (item.kind === 'entity' ? s.coverage === 1 : claimGrounded(s, deps.minCoverage));
    const better = (best: Support | null, next: Support): Support =>
      !best || (ok(next.s) && !ok(best.s)) || (ok(next.s) === ok(best.s) && next.s.coverage > best.s.coverage) ? next : best;
    let best: Support | null = null;
    for (const src of sources) best = better(best, { s: check(src.t), where: 'source', ...(src.id ? { id: src.id } : {}) });
    if (!(best && ok(best.s)) && req.top_k > 0) {
      const hits = deps.searcher.searchVector(vectors[n]!, {
        k: req.top_k,
        ...(req.asset !== undefined ? { asset: req.asset } : {}),
        ...(req.since_ms !== undefined ? { sinceMs: req.since_ms } : {}),
      });
      for (const h of hits) best = better(best, { s: check(indexText(h.doc.text)), where: 'retrieved', id: h.doc.id });
    }
    const grounded = best !== null && ok(best.s);
    const r: GroundingResult = {
      kind: item.kind,
      text: item.text,
      grounded,
      where: grounded && best ? best.where : 'none',
      coverage: Math.round((best?.s.coverage ?? 0) * 1e4) / 1e4,
    };
    if (grounded && best?.id) r.evidence_id = best.id;
    if (item.kind === 'claim' && best && best.s.missingNumbers.length) r.missing_numbers = best.s.missingNumbers;
    return r;
  });
  const res: RagGroundResponse = { v: 1, results, grounded: results.every((r) => r.grounded) };
  if (note) res.note = note;
  return res;
}
