/**
 * Building an index from the document store: the same code runs in the background child (build-worker.ts) and,
 * for in-memory stores and small flat rebuilds, in the serving process.
 */
import type { DocStore } from './store.ts';
import { autoNlist, createIndex, type BuildSpec, type VectorIndex } from './vector-index.ts';

export interface BuildResult {
  index: VectorIndex;
  spec: BuildSpec;
  /** Highest rowid the index holds; later documents are caught up from the store. */
  upTo: number;
  trainedOn: number;
  ms: number;
}

/** faiss trains k-means on at most 256 points per list anyway: more only costs time and memory. */
const TRAIN_PER_LIST = 256;

export function buildFromStore(store: DocStore, spec: BuildSpec, upTo: number): BuildResult {
  const started = performance.now();
  const n = store.countUpTo(upTo);
  let s = spec;
  let train: Float32Array[] | undefined;
  if (spec.kind === 'ivf' && spec.backend === 'faiss') {
    const nlist = autoNlist(n, spec.params.nlist);
    s = { ...spec, params: { ...spec.params, nlist } };
    const stride = Math.max(1, Math.floor(n / Math.min(n, TRAIN_PER_LIST * nlist)));
    train = [];
    let i = 0;
    for (const r of store.vectorsAfter(0)) {
      if (r.rowid > upTo) break;
      if (i++ % stride === 0) train.push(r.vector);
    }
  }
  const index = createIndex(s, train, n);
  let rowids: number[] = [];
  let vectors: Float32Array[] = [];
  for (const r of store.vectorsAfter(0)) {
    if (r.rowid > upTo) break;
    rowids.push(r.rowid);
    vectors.push(r.vector);
    if (rowids.length === 5000) {
      index.add(rowids, vectors);
      rowids = [];
      vectors = [];
    }
  }
  index.add(rowids, vectors);
  return { index, spec: s, upTo, trainedOn: train?.length ?? 0, ms: performance.now() - started };
}
