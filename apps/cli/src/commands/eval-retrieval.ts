import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_ENCODER_PATH, loadTransformersEncoder, ProjectEncoder } from '@himari/embeddings';
import { dedupeTexts, readSentimentTexts, readStocknet, STOCKNET_EVAL_FROM } from '@himari/embeddings/offline';
import { paramsFrom, probeFaiss } from '@himari/retrieval';
import { bowRanker, denseRanker, evaluateIndexes, evaluateRetrieval, tfidfRanker, type Ranker } from '@himari/retrieval/offline';
import { configFrom, numFlag, parse, type CommandContext } from '../context.ts';

const USAGE = `usage: himari eval retrieval [--data DIR] [--json FILE] [--encoder FILE] [--transformers-dir DIR]
                             [--index-docs N] [--no-index] [--topic-limit N] [--config FILE]
  Retrieval quality on held-out public data: nearest-neighbour topic agreement (TFNS topic) and recall@5 of
  same-story duplicates (StockNet), for the project encoder against bag-of-words and TF-IDF baselines (and a
  sentence-transformers ONNX folder when given); then flat / IVF / HNSW on the project encoder's real vectors.`;

/** `himari eval retrieval`: dispatched from eval.ts. Prints a summary; `--json FILE` gets the whole report. */
export async function evalRetrievalCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse(args, {
    data: { type: 'string' },
    json: { type: 'string' },
    encoder: { type: 'string' },
    'transformers-dir': { type: 'string' },
    'index-docs': { type: 'string' },
    'no-index': { type: 'boolean', default: false },
    'topic-limit': { type: 'string' },
    config: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = configFrom(ctx, values.config, {});
  const dataDir = values.data ?? config.data.shared_dir;
  const started = Date.now();
  const say = (m: string): void => void ctx.stderr.write(`himari eval retrieval: ${((Date.now() - started) / 1000).toFixed(1)} s ${m}\n`);
  const encoderPath = values.encoder ?? config.rag.encoder.project_path ?? DEFAULT_ENCODER_PATH;
  const project = ProjectEncoder.load(encoderPath);
  const rankers: Ranker[] = [bowRanker(), tfidfRanker(project), denseRanker('project', project)];
  const notes = [
    `project encoder: ${encoderPath} (${project.id})`,
    'similarities are exact (brute force) for every method, so only the representation differs',
    "duplicates.marking applies novelty's sameStory rule (similarity >= rag.novelty.duplicate_similarity and no conflicting numbers) to each text's nearest neighbour within the window",
  ];
  if (values['transformers-dir']) {
    const enc = await loadTransformersEncoder({
      modelDir: values['transformers-dir'],
      hubId: '',
      allowRemote: false,
      dtype: config.rag.encoder.dtype,
      threads: config.rag.encoder.threads,
    });
    rankers.push(denseRanker('transformers', enc));
  } else {
    notes.push(
      'no sentence-transformers model measured: none is available offline here (pass --transformers-dir DIR with all-MiniLM-L6-v2 in ONNX to add it)',
    );
  }
  const report = await evaluateRetrieval({
    dataDir,
    rankers,
    duplicateSimilarity: config.rag.novelty.duplicate_similarity,
    ...(values['topic-limit'] ? { topicLimit: numFlag(values['topic-limit'], 'topic-limit', { integer: true, min: 1 }) } : {}),
    notes,
    onProgress: say,
  });
  if (!values['no-index']) {
    const n = numFlag(values['index-docs'], 'index-docs', { integer: true, min: 1 }) ?? 20_000;
    // Real vectors: StockNet training-period tweets and TFNS sentiment tweets, queried with held-out StockNet tweets.
    const sn = readStocknet(dataDir).rows;
    const pool = dedupeTexts([...sn.filter((r) => r.date < STOCKNET_EVAL_FROM).map((r) => r.text), ...readSentimentTexts(dataDir).texts]);
    const queries = dedupeTexts(sn.filter((r) => r.date >= STOCKNET_EVAL_FROM).map((r) => r.text)).slice(0, 500);
    const backend = probeFaiss().ok && config.rag.index.backend !== 'hnswlib' ? 'faiss' : 'hnswlib';
    report.index = await evaluateIndexes({
      encoder: project,
      texts: pool.slice(0, n),
      queries,
      backend,
      params: paramsFrom(config.rag.index),
      onProgress: say,
    });
    report.index.corpus = `${report.index.n} distinct StockNet (before ${STOCKNET_EVAL_FROM}) and TFNS sentiment tweets; queries: held-out StockNet tweets`;
  }
  if (values.json) {
    mkdirSync(dirname(values.json), { recursive: true });
    writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
  }
  ctx.stdout.write(summaryText(report));
  return 0;
}

function summaryText(r: Awaited<ReturnType<typeof evaluateRetrieval>>): string {
  const lines = [
    `topic neighbours (${r.topic.queries} held-out TFNS topic tweets, ${r.topic.labels} labels, chance ${r.topic.chance_agreement}):`,
  ];
  for (const [m, s] of Object.entries(r.topic.by_method))
    lines.push(`  ${m.padEnd(12)} agreement@1 ${s.agreement_at_1.toFixed(4)}  agreement@5 ${s.agreement_at_5.toFixed(4)}`);
  lines.push(`same-story duplicates (${r.duplicates.queries} StockNet texts with partners among ${r.duplicates.distinct_texts}):`);
  for (const [m, s] of Object.entries(r.duplicates.by_method)) {
    lines.push(
      `  ${m.padEnd(12)} recall@5 ${s.recall_at_5.toFixed(4)}  hit@5 ${s.hit_at_5.toFixed(4)}  marking@${s.marking.threshold}: ` +
        `precision ${s.marking.precision.toFixed(4)} recall ${s.marking.recall.toFixed(4)} (${s.marking.marked} marked)`,
    );
  }
  if (r.index) {
    lines.push(`index kinds on ${r.index.n} real vectors (${r.index.backend}, ${r.index.queries} queries, top-5 latency):`);
    for (const [k, m] of Object.entries(r.index.by_kind)) {
      lines.push(
        `  ${k.padEnd(5)} p50 ${m.p50_ms} ms  p99 ${m.p99_ms} ms  recall@10 ${m.recall_at_10}  ${m.bytes_per_doc} B/doc  build ${m.build_ms} ms  ${JSON.stringify(m.params)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
