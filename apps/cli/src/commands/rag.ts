import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Config } from '@himari/config';
import { normaliseAsset } from '@himari/contracts';
import { trainingCorpus, trainProjectEncoder, writeProjectEncoder } from '@himari/embeddings/offline';
import { createLogger } from '@himari/observability';
import { ingestLines, RetrievalService } from '@himari/retrieval';
import { configFrom, numFlag, parse, sharedData, UsageError, type CommandContext } from '../context.ts';

const USAGE = `usage:
  himari rag ingest FILE|- [--dir DIR] [--config FILE]
      Store JSON lines {id, text, asset, source?, kind?, published_at?} (as himari run reads) with their novelty.
  himari rag search "QUERY" [--asset X] [--top-k N] [--min-similarity S] [--since ISO|MS] [--dir DIR] [--config FILE]
      Print the nearest stored documents as JSON (RagSearchResponse).
  himari rag stats [--dir DIR] [--config FILE]
  himari rag train-encoder [--data DIR] [--out DIR] [--name NAME]
      Train the project encoder on the shared data (MIT sets only); the committed one is models/encoder.
The folder is rag.dir from the config, else .himari/rag. A serving rag-actor holds it: stop it first.`;

/** `himari rag` when neither --dir nor the config names a folder. */
export const DEFAULT_RAG_DIR = '.himari/rag';

export async function ragCommand(args: string[], ctx: CommandContext): Promise<number> {
  const [what, ...rest] = args;
  switch (what) {
    case 'ingest':
      return ingest(rest, ctx);
    case 'search':
      return search(rest, ctx);
    case 'stats':
      return stats(rest, ctx);
    case 'train-encoder':
      return trainEncoder(rest, ctx);
    default:
      throw new UsageError(`${what === undefined ? 'rag needs a subcommand' : `unknown rag subcommand ${JSON.stringify(what)}`}\n${USAGE}`);
  }
}

function ragConfig(ctx: CommandContext, file: string | undefined, dir: string | undefined): Config {
  const base = configFrom(ctx, file, {});
  return configFrom(ctx, file, {
    rag: { dir: dir ?? base.rag.dir ?? DEFAULT_RAG_DIR },
    observability: { log_level: ctx.env['HIMARI_LOG_LEVEL'] ? base.observability.log_level : 'warn' },
  });
}

async function openService(config: Config): Promise<RetrievalService> {
  const log = createLogger({ name: 'himari-rag', level: config.observability.log_level });
  return RetrievalService.open({ config: config.rag, log });
}

async function ingest(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, { dir: { type: 'string' }, config: { type: 'string' } }, true);
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError(`rag ingest needs one FILE (or -)\n${USAGE}`);
  const config = ragConfig(ctx, values.config, values.dir);
  const input: Readable = file === '-' ? (ctx.stdin as Readable) : createReadStream(file);
  const svc = await openService(config);
  try {
    let lastLine = 0;
    const s = await ingestLines({
      service: svc,
      input,
      ingest: config.ingest,
      onInvalid: (r) => ctx.stderr.write(`${JSON.stringify(r)}\n`),
      onProgress: (p) => {
        if (p.lines - lastLine >= 5000 || ctx.stderr.isTTY) {
          lastLine = p.lines;
          ctx.stderr.write(`himari rag ingest: ${p.lines} lines, ${p.stored} stored\n`);
        }
      },
    });
    await svc.settle();
    const st = svc.stats();
    ctx.stderr.write(
      `himari rag ingest: ${s.lines} lines, ${s.stored} stored (${s.duplicates} marked duplicate_of), ${s.known} already stored, ` +
        `${s.invalid} invalid` +
        (s.expired
          ? `, ${s.expired} not stored: received more than rag.retention.max_age_days (${config.rag.retention.max_age_days}) ago`
          : '') +
        ` in ${(s.elapsedMs / 1000).toFixed(2)} s (${Math.round(s.lines / Math.max(s.elapsedMs / 1000, 1e-3))} lines/s); ` +
        `${st.documents} documents in ${st.dir}, index ${st.index.backend} ${st.index.kind}, encoder ${st.encoder}\n`,
    );
    return s.invalid > 0 ? 1 : 0;
  } finally {
    await svc.close();
  }
}

async function search(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      asset: { type: 'string' },
      'top-k': { type: 'string' },
      'min-similarity': { type: 'string' },
      since: { type: 'string' },
      dir: { type: 'string' },
      config: { type: 'string' },
    },
    true,
  );
  const query = positionals.join(' ').trim();
  if (!query) throw new UsageError(`rag search needs a query\n${USAGE}`);
  const config = ragConfig(ctx, values.config, values.dir);
  const topK = numFlag(values['top-k'], 'top-k', { integer: true, min: 1, max: 100 }) ?? config.rag.search.top_k;
  const minSimilarity = numFlag(values['min-similarity'], 'min-similarity', { min: -1, max: 1 }) ?? 0;
  let asset: string | undefined;
  if (values.asset !== undefined) {
    try {
      asset = normaliseAsset(values.asset);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  const sinceMs = values.since !== undefined ? timeFlag(values.since) : undefined;
  const svc = await openService(config);
  try {
    const res = await svc.search({
      v: 1,
      query,
      top_k: topK,
      min_similarity: minSimilarity,
      ...(asset !== undefined ? { asset } : {}),
      ...(sinceMs !== undefined ? { since_ms: sinceMs } : {}),
    });
    ctx.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
    return 0;
  } finally {
    await svc.close();
  }
}

async function stats(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse(args, { dir: { type: 'string' }, config: { type: 'string' } });
  const svc = await openService(ragConfig(ctx, values.config, values.dir));
  try {
    ctx.stdout.write(`${JSON.stringify(svc.stats(), null, 2)}\n`);
    return 0;
  } finally {
    await svc.close();
  }
}

async function trainEncoder(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse(args, {
    data: { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string' },
    config: { type: 'string' },
  });
  const dataDir = values.data ?? sharedData(ctx, values.config);
  const out = values.out ?? 'models/encoder';
  const started = Date.now();
  const say = (m: string): void =>
    void ctx.stderr.write(`himari rag train-encoder: ${((Date.now() - started) / 1000).toFixed(1)} s ${m}\n`);
  say(`reading ${dataDir}`);
  const corpus = trainingCorpus(dataDir);
  const trained = trainProjectEncoder(corpus.texts, {
    ...(values.name ? { name: values.name } : {}),
    onProgress: say,
    provenance: {
      corpus: corpus.counts,
      files: corpus.files,
      split: 'TFNS topic: texts whose SHA-1 (first 32 bits) mod 5 = 0 are held out; StockNet: before 2015-10-01 only, every third row',
    },
  });
  const path = writeProjectEncoder(out, trained);
  say(`wrote ${path} (${trained.header.vocab.length} features, ${trained.header.dim} dims, matrix ${trained.bin.length} bytes)`);
  return 0;
}

function timeFlag(v: string): number {
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms)) throw new UsageError(`--since must be an ISO-8601 time or epoch milliseconds, got ${v}`);
  return ms;
}
