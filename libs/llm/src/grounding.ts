/**
 * Grounding: an entity the model names must be traceable to the evidence it was given. It is kept when it appears
 * (as a whole word) in the news text or a retrieved document, or when the entity dictionary maps it to a ticker
 * that the evidence names ("AAPL" for a text that says "Apple", "Apple" for one that says "$AAPL"), or when it is
 * the item's own asset. Everything else is a hallucination: dropped, counted and flagged.
 */
import { ENTITY_DICTIONARY, extractEntities } from '@himari/event-classification';

export interface GroundingEvidence {
  text: string;
  documents?: readonly string[];
  asset: string;
}

/** Entities the model named, split by the evidence (J3's per-claim verdict on the wire is contracts' `GroundingResult`). */
export interface EntityGrounding {
  kept: string[];
  dropped: string[];
}

/** Lower-cased ticker or alias → ticker. */
const DICTIONARY: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  for (const e of ENTITY_DICTIONARY) {
    m.set(e.ticker.toLowerCase(), e.ticker);
    for (const a of e.aliases) m.set(a.toLowerCase(), e.ticker);
  }
  return m;
})();

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function appearsIn(corpus: string, entity: string): boolean {
  if (entity.length === 0) return false;
  return new RegExp(`(?<![\\p{L}\\p{N}_])\\$?${escape(entity)}(?![\\p{L}\\p{N}_])`, 'iu').test(corpus);
}

export function groundEntities(entities: readonly string[], evidence: GroundingEvidence): EntityGrounding {
  const corpus = [evidence.text, ...(evidence.documents ?? [])].join('\n');
  const named = new Set(extractEntities(corpus).map((t) => t.toUpperCase()));
  named.add(evidence.asset.toUpperCase());
  const kept: string[] = [];
  const dropped: string[] = [];
  for (const raw of entities) {
    const e = raw.trim().replace(/^\$/, '');
    const ticker = DICTIONARY.get(e.toLowerCase());
    const grounded =
      appearsIn(corpus, e) || e.toUpperCase() === evidence.asset.toUpperCase() || (ticker !== undefined && named.has(ticker));
    (grounded ? kept : dropped).push(raw);
  }
  return { kept, dropped };
}
