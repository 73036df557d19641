/**
 * J3 index benchmark: top-5 search latency (p50/p99, one query at a time, one thread), recall@10 against exact
 * search, build (ingest) throughput and serialized bytes per document, for flat / IVF / HNSW at 10k, 100k and 1M
 * synthetic 384-d unit vectors; then the whole service's ingest path (encode + SQLite + index + novelty) on text.
 *
 * Synthetic vectors shaped like text embeddings: 1,000 random topic centres; a document is its topic's centre plus
 * coordinates along 12 directions of that topic's own (N(0, 0.35²) each) plus isotropic noise of norm 0.3,
 * normalised (cosine to the centre about 0.6; neighbours differ in a low-dimensional way, as real embeddings do,
 * unlike uniform random vectors). Queries come from the same distribution, not from the corpus.
 * IVF is measured at several nprobe and HNSW at several efSearch; the reported row is the cheapest setting that
 * reaches recall@10 ≥ 0.95 (else the best tried), the sweep is kept beside it.
 *
 *   OMP_NUM_THREADS=1 node --import tsx bench/rag.bench.ts [--sizes 10000,100000,1000000] [--budget-s 600] [--ef-construction 100]
 * Writes bench/results/rag.json.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigSchema } from '@himari/config';
import { ProjectEncoder, DEFAULT_ENCODER_PATH } from '@himari/embeddings';
import { silentLogger } from '@himari/observability';
import { mulberry32, parseNumber, quantile } from '@himari/numeric';
import { FaissVectorIndex, probeFaiss, RetrievalService, type BackendName } from '@himari/retrieval';
import {
  buildForBench,
  defaultParams,
  measureSearch,
  summarize,
  tuneSearch,
  type IndexMeasurement,
  type SweepRow,
} from '@himari/retrieval/offline';
import { tempDir } from '@himari/retrieval/testing';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'bench/results/rag.json');
const DIM = 384;
const CENTRES = 1000;
/** Within-topic structure: coordinates along 12 directions of the topic's own, each N(0, 0.35²). */
const LOCAL_DIMS = 12;
const LOCAL_SCALE = 0.35;
/** Isotropic noise norm (the centre has norm 1). */
const NOISE = 0.3;
const QUERIES = 200;
const GOAL_RECALL = 0.95;

const { values } = parseArgs({
  options: { sizes: { type: 'string' }, 'budget-s': { type: 'string' }, 'ef-construction': { type: 'string' } },
});
/** HNSW build quality: 40 reached recall@10 0.82 at 1M even with efSearch 256, so the default builds deeper graphs. */
const EF_CONSTRUCTION = parseNumber(values['ef-construction'] ?? '100', '--ef-construction', { integer: true, min: 1 });
const EF_SEARCH_SWEEP = [16, 32, 64, 128, 256, 512, 1024];
const SIZES = (values.sizes ?? '10000,100000,1000000').split(',').map((s) => parseNumber(s, '--sizes', { integer: true, min: 1 }));
const BUDGET_MS = parseNumber(values['budget-s'] ?? '600', '--budget-s', { above: 0 }) * 1000;
const started = performance.now();
const LOAD_AT_START = (await import('node:os')).loadavg().map((x) => Math.round(x * 100) / 100);
const elapsed = (): number => performance.now() - started;
const log = (m: string): void => void process.stdout.write(`[${(elapsed() / 1000).toFixed(0).padStart(4)} s] ${m}\n`);

/**
 * Unit vectors with the structure of text embeddings: a random topic centre, plus coordinates in a low-dimensional
 * subspace of its own (what distinguishes documents within a topic), plus a little isotropic noise.
 */
function clustered(n: number, seed: number, model: Model): Float32Array[] {
  const rand = mulberry32(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const data = new Float32Array(n * DIM);
  const noise = NOISE / Math.sqrt(DIM);
  const out: Float32Array[] = new Array(n);
  const a = new Float32Array(LOCAL_DIMS);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rand() * CENTRES);
    const o = i * DIM;
    for (let k = 0; k < LOCAL_DIMS; k++) a[k] = gauss() * LOCAL_SCALE;
    let norm = 0;
    for (let j = 0; j < DIM; j++) {
      let v = model.centres[c * DIM + j]! + gauss() * noise;
      for (let k = 0; k < LOCAL_DIMS; k++) v += a[k]! * model.bases[(c * LOCAL_DIMS + k) * DIM + j]!;
      data[o + j] = v;
      norm += v * v;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < DIM; j++) data[o + j]! *= inv;
    out[i] = data.subarray(o, o + DIM);
  }
  return out;
}

interface Model {
  centres: Float32Array;
  /** LOCAL_DIMS random unit directions per centre. */
  bases: Float32Array;
}

function makeModel(seed: number): Model {
  const rand = mulberry32(seed);
  const unit = (out: Float32Array, o: number): void => {
    let norm = 0;
    for (let j = 0; j < DIM; j++) {
      const v = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
      out[o + j] = v;
      norm += v * v;
    }
    for (let j = 0; j < DIM; j++) out[o + j]! /= Math.sqrt(norm);
  };
  const centres = new Float32Array(CENTRES * DIM);
  const bases = new Float32Array(CENTRES * LOCAL_DIMS * DIM);
  for (let k = 0; k < CENTRES; k++) unit(centres, k * DIM);
  for (let k = 0; k < CENTRES * LOCAL_DIMS; k++) unit(bases, k * DIM);
  return { centres, bases };
}

interface Row extends IndexMeasurement {
  sweep?: SweepRow[];
}

interface SizeResult {
  n: number;
  by_kind: Record<string, Row | { skipped: string }>;
}

async function indexBench(backend: BackendName): Promise<SizeResult[]> {
  const model = makeModel(7);
  const allQueries = clustered(QUERIES, 99, model);
  const results: SizeResult[] = [];
  /** ms per document of the last HNSW build, to skip sizes it could not finish in the budget. */
  let hnswMsPerDoc: number | null = null;
  for (const n of SIZES) {
    log(`n=${n}: generating vectors`);
    const base = clustered(n, n, model);
    // At 1M an exact search costs a few hundred ms: half the queries keep the reference inside the budget.
    const queries = n >= 1_000_000 ? allQueries.slice(0, QUERIES / 2) : allQueries;
    const res: SizeResult = { n, by_kind: {} };
    results.push(res);

    log(`n=${n}: flat (${backend}), exact: the recall reference`);
    const flat = buildForBench({ backend, kind: 'flat', params: defaultParams(), base });
    const truth =
      flat.index instanceof FaissVectorIndex ? flat.index.searchMany(queries, 10) : queries.map((q) => flat.index.search(q, 10).rowids);
    // The reference itself: recall 1 by construction; latency on the first 50 queries (exact search is slow at 1M).
    res.by_kind['flat'] = summarize(
      { backend, kind: 'flat' },
      flat,
      measureSearch(flat.index, queries.slice(0, 50), truth, { warmup: 3, recall: false }),
    );
    log(`  flat: ${JSON.stringify(res.by_kind['flat'])}`);

    if (backend === 'faiss') {
      // nlist: 4·√n up to 100k; at 1M, 2048 lists keep k-means training inside the budget on one core.
      const nlist = n >= 1_000_000 ? 2048 : Math.max(1, Math.min(Math.round(4 * Math.sqrt(n)), Math.floor(n / 39)));
      log(`n=${n}: IVF${nlist},Flat (faiss)`);
      const ivf = buildForBench({
        backend,
        kind: 'ivf',
        params: { ...defaultParams(), nlist },
        base,
        trainPerList: n >= 1_000_000 ? 30 : 40,
      });
      const s = tuneSearch(ivf.index, 'nprobe', [4, 8, 16, 32, 64, 128], queries, truth, GOAL_RECALL);
      res.by_kind['ivf'] = { ...summarize({ backend, kind: 'ivf' }, ivf, measureSearch(ivf.index, queries, truth)), sweep: s.rows };
      log(`  ivf: ${JSON.stringify(res.by_kind['ivf'])}`);
    }

    const hnswBackend: BackendName = n <= 10_000 && backend === 'faiss' ? 'faiss' : 'hnswlib';
    const projected = hnswMsPerDoc === null ? 0 : hnswMsPerDoc * n * 1.3;
    const left = BUDGET_MS - elapsed();
    if (projected > left * 0.6) {
      res.by_kind['hnsw'] = {
        skipped: `HNSW build projected at ${(projected / 1000).toFixed(0)} s on one core (${hnswMsPerDoc!.toFixed(2)} ms/doc measured at the previous size); ${(left / 1000).toFixed(0)} s of the ${BUDGET_MS / 1000} s budget left`,
      };
      log(`  hnsw: skipped (${(res.by_kind['hnsw'] as { skipped: string }).skipped})`);
    } else {
      log(`n=${n}: HNSW32 (${hnswBackend})`);
      const hnsw = buildForBench({
        backend: hnswBackend,
        kind: 'hnsw',
        params: { ...defaultParams(), hnswM: 32, efConstruction: EF_CONSTRUCTION },
        base,
      });
      if (hnswBackend === 'hnswlib') hnswMsPerDoc = hnsw.buildMs / n;
      const s = tuneSearch(hnsw.index, 'efSearch', EF_SEARCH_SWEEP, queries, truth, GOAL_RECALL);
      res.by_kind['hnsw'] = {
        ...summarize({ backend: hnswBackend, kind: 'hnsw' }, hnsw, measureSearch(hnsw.index, queries, truth)),
        sweep: s.rows,
      };
      if (hnswBackend === 'faiss' && n <= 10_000) {
        // Also the fallback library at this size, so the two HNSW implementations can be compared on one row set.
        const lib = buildForBench({
          backend: 'hnswlib',
          kind: 'hnsw',
          params: { ...defaultParams(), hnswM: 32, efConstruction: EF_CONSTRUCTION },
          base,
        });
        hnswMsPerDoc = lib.buildMs / n;
        const s2 = tuneSearch(lib.index, 'efSearch', EF_SEARCH_SWEEP, queries, truth, GOAL_RECALL);
        res.by_kind['hnsw_hnswlib'] = {
          ...summarize({ backend: 'hnswlib', kind: 'hnsw' }, lib, measureSearch(lib.index, queries, truth)),
          sweep: s2.rows,
        };
        log(`  hnsw (hnswlib): ${JSON.stringify(res.by_kind['hnsw_hnswlib'])}`);
      }
      log(`  hnsw: ${JSON.stringify(res.by_kind['hnsw'])}`);
    }
  }
  return results;
}

/** The service's whole ingest path on text, and its end-to-end search (encode + index + SQLite rows). */
async function serviceBench(docs: number) {
  const samples = readFileSync(join(ROOT, 'samples/news.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { text: string; asset: string; published_at: string });
  const tmp = tempDir('himari-rag-bench-');
  const cfg = ConfigSchema.parse({ rag: { dir: tmp.dir, index: { approximate_after: 1_000_000 } } }).rag;
  const svc = await RetrievalService.open({ config: cfg, log: silentLogger(), encoder: ProjectEncoder.load(DEFAULT_ENCODER_PATH) });
  const now = Date.now();
  const t0 = performance.now();
  for (let i = 0; i < docs; i++) {
    const s = samples[i % samples.length]!;
    await svc.ingest({
      id: `b${i}`,
      text: `${s.text} [${Math.floor(i / samples.length)}]`,
      asset: s.asset,
      source: 'bench',
      kind: 'social',
      published_at: s.published_at,
      received_at: now,
    });
  }
  const ingestMs = performance.now() - t0;
  svc.snapshot();
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t = performance.now();
    await svc.search({ v: 1, query: samples[(i * 7) % samples.length]!.text, top_k: 5, min_similarity: 0 });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const stats = svc.stats();
  await svc.close();
  const sqlite = statSync(join(tmp.dir, 'docs.sqlite')).size;
  tmp.cleanup();
  return {
    docs,
    encoder: stats.encoder,
    backend: stats.index.backend,
    index_kind: stats.index.kind,
    ingest_docs_per_s: Math.round(docs / (ingestMs / 1000)),
    ingest_ms_per_doc: Math.round((ingestMs / docs) * 1000) / 1000,
    store_bytes_per_doc: Math.round(sqlite / docs),
    search_top5_p50_ms: Math.round(quantile(times, 0.5) * 1000) / 1000,
    search_top5_p99_ms: Math.round(quantile(times, 0.99) * 1000) / 1000,
    note: 'ingest = encode (project encoder) + novelty search over the window + SQLite commit + index add; search = encode + index + SQLite rows, as the rag-actor answers (without the bus)',
  };
}

const CAVEATS = [
  "Topic centres are random unit vectors, nearly orthogonal in 384 dimensions: once IVF has at least as many lists as topics (100k, 1M) the true neighbours sit in the query's own list and nprobe 4 reaches recall 1.0. On the project encoder's real vectors IVF needed nprobe 48 of 512 lists for 0.95 (models/encoder/eval-retrieval.json, index section): that is the realistic figure.",
  'The machine has 2 cores shared with other sessions (load_average_at_start); the raw p99 includes their preemption, the best-of-3 p99 mostly does not.',
  "faiss is Debian's generic libfaiss 1.7.3 build (no AVX2 kernels): flat scans and faiss HNSW are several times slower than an optimised build would be; hnswlib-node is compiled on this machine.",
  'HNSW sizes are skipped when the build projected from the previous size does not fit the remaining budget.',
];

async function main(): Promise<void> {
  const probe = probeFaiss();
  const backend: BackendName = probe.ok ? 'faiss' : 'hnswlib';
  if (probe.ok) probe.faiss.setNumThreads(1);
  else log(`faiss-node unavailable (${probe.reason}): hnswlib-node only`);
  const sizes = await indexBench(backend);
  log('service ingest and search on text (5,000 documents)');
  const service = await serviceBench(5000);
  log(`  service: ${JSON.stringify(service)}`);
  const goals = sizes.map((s) => {
    const rows = Object.entries(s.by_kind).filter((e): e is [string, Row] => 'p99_ms' in e[1]);
    const goal = s.n >= 1_000_000 ? 5 : 2;
    return {
      n: s.n,
      p99_goal_ms: s.n >= 1_000_000 ? 5 : s.n >= 100_000 ? 2 : null,
      meeting_goal_raw_p99: rows.filter(([, r]) => r.recall_at_10 >= GOAL_RECALL && r.p99_ms <= goal).map(([k]) => k),
      meeting_goal_best_of_3_p99: rows
        .filter(([, r]) => r.recall_at_10 >= GOAL_RECALL && (r.p99_ms_best_of_3 ?? Infinity) <= goal)
        .map(([k]) => k),
    };
  });
  const result = {
    generated_at: new Date().toISOString(),
    machine: `${process.platform} ${process.arch}, node ${process.version}, OMP_NUM_THREADS=${process.env['OMP_NUM_THREADS'] ?? 'unset'} (faiss threads set to 1)`,
    backend,
    dim: DIM,
    data: `synthetic: ${CENTRES} random unit topic centres + ${LOCAL_DIMS} topic-specific directions with N(0, ${LOCAL_SCALE}²) coordinates + isotropic noise of norm ${NOISE}, normalised; ${QUERIES} queries from the same distribution (${QUERIES / 2} at 1M)`,
    load_average_at_start: LOAD_AT_START,
    latency:
      'top-5 search, one query at a time, through the JS wrappers (faiss-node converts number[] per call). p50/p99_ms: each query timed once; *_best_of_3: fastest of 3 timings per query (removes preemption by other processes on this shared 2-core machine)',
    recall: 'recall@10 against exact flat search on the same vectors',
    bytes_per_doc: 'serialized index bytes / documents (faiss file + 8-byte id map; hnswlib file)',
    elapsed_s: Math.round(elapsed() / 1000),
    caveats: CAVEATS,
    sizes,
    goals,
    service,
  };
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${OUT}`);
}

await main();
