import { Counter, Gauge, Registry, Summary } from 'prom-client';

/** J3's metrics: request latency quantiles (p50/p99 straight from the summary), corpus, novelty, rebuilds. */
export interface RagMetrics {
  readonly registry: Registry;
  /** Seconds per request, by operation (search, novelty, ground, ingest); quantiles 0.5, 0.9, 0.99. */
  latency: Summary<'op'>;
  ingested: Counter<'outcome'>;
  duplicates: Counter;
  documents: Gauge;
  indexEntries: Gauge;
  rebuilds: Counter<'kind'>;
  removed: Counter;
}

export function createRagMetrics(registry = new Registry()): RagMetrics {
  const r = [registry];
  return {
    registry,
    latency: new Summary({
      name: 'himari_rag_request_seconds',
      help: 'J3 request latency (search, novelty, ground, ingest), quantiles over the last 10 minutes',
      labelNames: ['op'],
      percentiles: [0.5, 0.9, 0.99],
      maxAgeSeconds: 600,
      ageBuckets: 5,
      registers: r,
    }),
    ingested: new Counter({
      name: 'himari_rag_ingested_total',
      help: 'Documents offered to J3, by outcome (stored, known, expired)',
      labelNames: ['outcome'],
      registers: r,
    }),
    duplicates: new Counter({
      name: 'himari_rag_duplicates_total',
      help: 'Stored documents marked duplicate_of an earlier story',
      registers: r,
    }),
    documents: new Gauge({ name: 'himari_rag_documents', help: 'Documents in the store', registers: r }),
    indexEntries: new Gauge({
      name: 'himari_rag_index_entries',
      help: 'Entries in the active vector index (removed documents stay until a rebuild)',
      registers: r,
    }),
    rebuilds: new Counter({
      name: 'himari_rag_index_rebuilds_total',
      help: 'Index rebuilds swapped in, by index kind',
      labelNames: ['kind'],
      registers: r,
    }),
    removed: new Counter({ name: 'himari_rag_retention_removed_total', help: 'Documents removed by retention', registers: r }),
  };
}
