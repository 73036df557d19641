/** J3 retrieval settings: encoder, vector index, document store, novelty and retention (owned by the retrieval work). */
import { z } from 'zod';

export const EncoderKind = z.enum(['project', 'transformers']);
export type EncoderKind = z.infer<typeof EncoderKind>;

const EncoderSection = z
  .object({
    /**
     * `project`: the encoder this project trains on MIT-licensed finance text (TF-IDF + truncated SVD, committed in
     * models/encoder, no network, no ONNX). `transformers`: a sentence-transformers model in ONNX through
     * transformers.js (mean pooling, normalised), e.g. all-MiniLM-L6-v2. @default project
     */
    kind: EncoderKind.default('project'),
    /** The project encoder's file; null: the committed models/encoder/himari-lsa-384.json. */
    project_path: z.string().min(1).nullable().default(null),
    /** Local model directory for `transformers` (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx). */
    model_dir: z.string().min(1).nullable().default(null),
    /** Hub id for `transformers` when `model_dir` is null. @default sentence-transformers/all-MiniLM-L6-v2 */
    hub_id: z.string().min(1).default('sentence-transformers/all-MiniLM-L6-v2'),
    /** Let the hub id download. Off: offline, local files and the cache only. @default false */
    allow_remote: z.boolean().default(false),
    /** `fp32`: onnx/model.onnx, `q8`: onnx/model_quantized.onnx. @default fp32 */
    dtype: z.enum(['fp32', 'q8']).default('fp32'),
    /** onnxruntime intra-op threads; 0: onnxruntime's default. @default 1 */
    threads: z.number().int().min(0).max(256).default(1),
  })
  .prefault({});

const IndexSection = z
  .object({
    /** `auto`: faiss-node when its addon loads (tools/faiss/build.sh), else hnswlib-node, and says so. @default auto */
    backend: z.enum(['auto', 'faiss', 'hnswlib']).default('auto'),
    /** Exact inner-product search (flat) up to this many documents; above it an approximate index is built. @default 20000 */
    approximate_after: z.number().int().min(1).default(20_000),
    /** The approximate index: `ivf` (faiss IVF-Flat; hnswlib backend: HNSW) or `hnsw`. @default ivf */
    kind: z.enum(['ivf', 'hnsw']).default('ivf'),
    /** IVF lists; 0: about 4·√n at build time, at most n/39 so every list trains on enough points. @default 0 */
    nlist: z.number().int().min(0).default(0),
    /**
     * IVF lists searched per query. 48 of the 512 lists an index of 20k documents gets reached recall@10 0.95 on the
     * project encoder's real vectors (16: 0.89); see models/encoder/eval-retrieval.json. @default 48
     */
    nprobe: z.number().int().min(1).default(48),
    /** HNSW links per node. @default 32 */
    hnsw_m: z.number().int().min(4).max(128).default(32),
    /**
     * HNSW build-time beam (hnswlib; faiss-node's factory keeps faiss's 40). 40 left recall@10 at 0.82 on 1M vectors
     * even with ef_search 256; 100 reached 0.99 at ef_search 128, for about twice the build time. @default 100
     */
    ef_construction: z.number().int().min(8).default(100),
    /** HNSW search beam (at least top_k). @default 64 */
    ef_search: z.number().int().min(1).default(64),
    /** An approximate index is rebuilt in the background once the corpus has grown by this factor since its build. @default 2 */
    rebuild_growth: z.number().min(1.1).default(2),
    /** ...or once this fraction of its entries were removed by retention. @default 0.2 */
    rebuild_deleted_fraction: z.number().gt(0).max(1).default(0.2),
    /** faiss OpenMP threads: one query is fastest on one thread. @default 1 */
    threads: z.number().int().min(1).max(256).default(1),
  })
  .prefault({});

export const RagSection = z
  .object({
    /**
     * Folder of the document store (SQLite) and the index snapshots; null: in memory, nothing survives the process
     * (what `himari run` uses unless configured). `himari rag` defaults to `.himari/rag` when this is null.
     */
    dir: z.string().min(1).nullable().default(null),
    encoder: EncoderSection,
    index: IndexSection,
    /** Index snapshot after this many new documents (the store itself commits every document). @default 1000 */
    snapshot_every_docs: z.number().int().min(1).default(1000),
    /** ...or after this long with unsaved documents. @default 30000 */
    snapshot_interval_ms: z.number().int().min(100).default(30_000),
    search: z
      .object({
        /** Default top_k of `himari rag search`. @default 5 */
        top_k: z.number().int().min(1).max(100).default(5),
        /** Candidates fetched per wanted hit before filters (asset, time, similarity) are applied. @default 4 */
        oversample: z.number().int().min(1).max(100).default(4),
        /** Below this many matching documents a filtered search scans them exactly. @default 50000 */
        exact_filter_limit: z.number().int().min(0).default(50_000),
      })
      .prefault({}),
    novelty: z
      .object({
        /** The event classifier asks J3 for each item's novelty; false: signals carry no novelty. @default true */
        enabled: z.boolean().default(true),
        /** Compared with the documents published in the N days before the item. @default 3 */
        window_days: z.number().gt(0).default(3),
        /** At or above this cosine similarity an item repeats its nearest document's story (`duplicate_of`). @default 0.9 */
        duplicate_similarity: z.number().min(0).max(1).default(0.9),
        /** At or above this word 3-gram Jaccard an item also repeats a candidate's story (a retweet with a comment). @default 0.5 */
        duplicate_jaccard: z.number().min(0).max(1).default(0.5),
        /** How long the classifier waits for J3; then `novelty: null` and flag `novelty_unavailable`. @default 500 */
        timeout_ms: z.number().int().min(1).default(500),
      })
      .prefault({}),
    grounding: z
      .object({
        /** A claim is supported by a text holding at least this fraction of its content words (and all its numbers). @default 0.75 */
        min_coverage: z.number().min(0).max(1).default(0.75),
      })
      .prefault({}),
    retention: z
      .object({
        /** Documents leave the index and the store this many days after they were received; 0 keeps them. @default 30 */
        max_age_days: z.number().min(0).default(30),
        /** How often expired documents are removed. @default 3600000 */
        sweep_interval_ms: z.number().int().min(1000).default(3_600_000),
      })
      .prefault({}),
  })
  .prefault({});
export type RagConfig = z.infer<typeof RagSection>;
