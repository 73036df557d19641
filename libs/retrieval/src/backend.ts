/**
 * Which native vector library this process can use. faiss-node is installed with its install script denied and
 * built by tools/faiss/build.sh against Debian's libfaiss; where that build did not run (no libfaiss-dev), its
 * addon is absent and J3 uses hnswlib-node instead. Both outcomes are reported, never hidden.
 */
import { createRequire } from 'node:module';

/** faiss-node's Index as patched by tools/faiss (setParameter) — the typings of 0.5.1 lack it. */
export interface FaissIndex {
  ntotal(): number;
  getDimension(): number;
  isTrained(): boolean;
  add(x: number[]): void;
  train(x: number[]): void;
  search(x: number[], k: number): { distances: number[]; labels: number[] };
  write(fname: string): void;
  setParameter(name: string, value: number): void;
}

export interface FaissModule {
  Index: {
    fromFactory(dims: number, descriptor: string, metric?: number): FaissIndex;
    read(fname: string): FaissIndex;
  };
  MetricType: { METRIC_INNER_PRODUCT: number };
  setNumThreads(n?: number): number;
}

export interface HnswIndex {
  initIndex(maxElements: number, m?: number, efConstruction?: number, randomSeed?: number): void;
  readIndexSync(filename: string): void;
  writeIndexSync(filename: string): void;
  resizeIndex(newMaxElements: number): void;
  addPoint(point: number[], label: number): void;
  searchKnn(queryPoint: number[], numNeighbors: number, filter?: (label: number) => boolean): { distances: number[]; neighbors: number[] };
  getMaxElements(): number;
  getCurrentCount(): number;
  setEf(ef: number): void;
}

export interface BruteIndex {
  initIndex(maxElements: number): void;
  readIndexSync(filename: string): void;
  writeIndexSync(filename: string): void;
  addPoint(point: number[], label: number): void;
  searchKnn(queryPoint: number[], numNeighbors: number, filter?: (label: number) => boolean): { distances: number[]; neighbors: number[] };
  getMaxElements(): number;
  getCurrentCount(): number;
}

export interface HnswlibModule {
  HierarchicalNSW: new (space: 'ip', dim: number) => HnswIndex;
  BruteforceSearch: new (space: 'ip', dim: number) => BruteIndex;
}

export type BackendName = 'faiss' | 'hnswlib';

export type FaissProbe = { ok: true; faiss: FaissModule } | { ok: false; reason: string };

const require = createRequire(import.meta.url);
let faissProbe: FaissProbe | undefined;

/** Loads faiss-node once per process; the reason says how to get it when it cannot load. */
export function probeFaiss(): FaissProbe {
  if (faissProbe) return faissProbe;
  try {
    const faiss = require('faiss-node') as FaissModule;
    const probe = faiss.Index.fromFactory(2, 'Flat', faiss.MetricType.METRIC_INNER_PRODUCT);
    if (typeof probe.setParameter !== 'function' || typeof faiss.setNumThreads !== 'function') {
      faissProbe = {
        ok: false,
        reason: 'faiss-node was built without the tools/faiss patch (no setParameter for nprobe/efSearch): run tools/faiss/build.sh',
      };
    } else {
      faissProbe = { ok: true, faiss };
    }
  } catch (err) {
    const first = ((err as Error).message ?? String(err)).split('\n')[0];
    faissProbe = {
      ok: false,
      reason: `faiss-node's native addon does not load (${first}); build it with tools/faiss/build.sh after apt-get install -y libfaiss-dev libopenblas-dev g++`,
    };
  }
  return faissProbe;
}

export function loadHnswlib(): HnswlibModule {
  return require('hnswlib-node') as HnswlibModule;
}
