/**
 * The ONNX sequence-classifier path: throughput (sentences/s) and per-batch latency (p50/p99) for batch sizes
 * 1, 4, 16, 32 on 1 and 2 onnxruntime threads, with the lexicon scorer as a baseline in the same run.
 *
 * Models, both written by tools/tiny-bert with random weights (no pretrained weights can be fetched here), loaded
 * through the same transformers.js code as FinBERT:
 * - `tiny`: the test model (hidden 32, 2 layers), on sentences from samples/news.jsonl;
 * - `bert_base_shape` (unless --skip-base): BERT-base's shape (12 layers, hidden 768, 12 heads, FFN 3072: FinBERT's
 *   architecture and per-token FLOPs; only the embedding table is smaller, which costs nothing per token), on inputs
 *   of exactly 32 and 64 tokens. Random weights answer nonsense but cost the same to run as trained ones, so this
 *   is a measurement of FinBERT-size inference on this machine, not an estimate.
 * Inference time includes tokenisation (what the scorer pays). The machine's load average is recorded: other work
 * on a shared 2-core machine slows every number.
 *
 * `--model DIR [--dtype fp32|q8]` also measures a real model folder (e.g. FinBERT downloaded elsewhere) on the sample
 * sentences, with its self-check on.
 *
 * Run: node --import tsx bench/onnx.bench.ts [--skip-base] [--model DIR [--dtype q8]]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '@himari/config';
import { quantile } from '@himari/numeric';
import { loadOnnxClassifier, splitSentences, type OnnxClassifier } from '@himari/onnx-classifier';
import { createLexiconScorer } from '@himari/sentiment';
import { parameterCount, writeTinyBert, type TinyBertOptions } from '../tools/tiny-bert/make.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BATCH_SIZES = [1, 4, 16, 32] as const;
const THREADS = [1, 2] as const;

interface Row {
  threads: number | null;
  batch: number;
  batches: number;
  sentences: number;
  sentences_per_s: number;
  p50_ms: number;
  p99_ms: number;
  /**
   * Sentences per second of this process's CPU time (user + system, all its threads). On a machine shared with
   * other work, wall-clock throughput drops with the load; this stays close to what an idle machine gives, and on
   * one thread it is the single-core throughput.
   */
  sentences_per_cpu_s: number;
}

interface Budget {
  minBatches: number;
  minMs: number;
  maxBatches: number;
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Runs `fn` on consecutive batches of `pool` until the budget is spent; times each batch. */
async function timeBatches(
  pool: readonly string[],
  batch: number,
  budget: Budget,
  fn: (texts: string[]) => Promise<unknown>,
): Promise<Omit<Row, 'threads'>> {
  const take = (i: number): string[] => Array.from({ length: batch }, (_, k) => pool[(i * batch + k) % pool.length] as string);
  for (let i = 0; i < 2; i++) await fn(take(i)); // warm-up
  const ms: number[] = [];
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  while (ms.length < budget.maxBatches && (ms.length < budget.minBatches || performance.now() - started < budget.minMs)) {
    const texts = take(ms.length + 2);
    const t = performance.now();
    await fn(texts);
    ms.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const total = ms.reduce((a, b) => a + b, 0);
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    batch,
    batches: ms.length,
    sentences: ms.length * batch,
    sentences_per_s: round((ms.length * batch) / (total / 1000), 1),
    p50_ms: round(quantile(sorted, 0.5)),
    p99_ms: round(quantile(sorted, 0.99)),
    sentences_per_cpu_s: round((ms.length * batch) / cpuS, 1),
  };
}

async function benchModel(
  dir: string,
  pool: readonly string[],
  budget: Budget,
  maxLength: number,
  real?: { dtype: 'fp32' | 'q8' },
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const threads of THREADS) {
    const opts = loadConfig({
      overrides: {
        sentiment: {
          onnx: {
            path: dir,
            threads,
            batch_size: 32,
            max_length: maxLength,
            split_sentences: false,
            dtype: real?.dtype ?? 'fp32',
            // Random-weight graphs have no opinion on tone; a real model must pass the full check.
            self_check: { expect_direction: real !== undefined },
          },
        },
      },
    }).sentiment.onnx;
    const c: OnnxClassifier = await loadOnnxClassifier(opts);
    try {
      for (const batch of BATCH_SIZES) {
        const r = await timeBatches(pool, batch, budget, (t) => c.classify(t));
        rows.push({ threads, ...r });
        log(
          `  threads ${threads} batch ${String(batch).padStart(2)}: ${r.sentences_per_s} sentences/s (${r.sentences_per_cpu_s} per CPU-s), p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms per batch (${r.batches} batches)`,
        );
      }
    } finally {
      await c.dispose();
    }
  }
  return rows;
}

function log(s: string): void {
  process.stdout.write(s + '\n');
}

function sampleSentences(): string[] {
  const lines = readFileSync(join(ROOT, 'samples/news.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  return lines.flatMap((l) => splitSentences((JSON.parse(l) as { text: string }).text)).slice(0, 512);
}

/** A sentence of known whole words that the tiny tokenizer encodes as exactly `tokens` ids ([CLS] and [SEP] included). */
function sentenceOfTokens(tokens: number, shift: number): string {
  const words = 'the company said quarterly revenue rose and profit margins were higher than analysts expected for the year'.split(' ');
  return Array.from({ length: tokens - 2 }, (_, i) => words[(i + shift) % words.length]).join(' ');
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: { 'skip-base': { type: 'boolean' }, model: { type: 'string' }, dtype: { type: 'string' } },
  });
  const skipBase = args['skip-base'] ?? false;
  const dtype = args.dtype ?? 'fp32';
  if (dtype !== 'fp32' && dtype !== 'q8') throw new Error('--dtype is fp32 or q8');
  const tmp = mkdtempSync(join(tmpdir(), 'himari-onnx-bench-'));
  const load0 = loadavg();
  const out: Record<string, unknown> = {};
  try {
    const sentences = sampleSentences();
    const tinyOpts: TinyBertOptions = { out: join(tmp, 'tiny'), seed: 1 };
    const tiny = writeTinyBert(tinyOpts);
    const probe = await loadOnnxClassifier(
      loadConfig({ overrides: { sentiment: { onnx: { path: tiny.dir, self_check: { expect_direction: false } } } } }).sentiment.onnx,
    );
    const tokenCounts = probe.countTokens(sentences);
    const tinyLoadMs = probe.info.loadMs;
    await probe.dispose();

    log(
      `tiny model (hidden ${tiny.shape.hidden}, ${tiny.shape.layers} layers, ${parameterCount(tiny.shape)} parameters), ${sentences.length} sample sentences`,
    );
    const tinyRows = await benchModel(tiny.dir, sentences, { minBatches: 50, minMs: 1000, maxBatches: 3000 }, 128);
    out['tiny'] = {
      shape: tiny.shape,
      parameters: parameterCount(tiny.shape),
      load_ms: round(tinyLoadMs, 1),
      input: 'samples/news.jsonl split into sentences',
      sentences: sentences.length,
      tokens_per_sentence_mean: round(tokenCounts.reduce((a, b) => a + b, 0) / tokenCounts.length, 1),
      results: tinyRows,
    };

    log('lexicon scorer (VADER + finance lexicon), same sentences, one thread (it is synchronous JavaScript)');
    const lexicon = createLexiconScorer();
    const lexRows: Row[] = [];
    for (const batch of BATCH_SIZES) {
      const r = await timeBatches(sentences, batch, { minBatches: 200, minMs: 1000, maxBatches: 100_000 }, async (t) =>
        lexicon.scoreBatch(t),
      );
      lexRows.push({ threads: null, ...r });
      log(
        `  batch ${String(batch).padStart(2)}: ${r.sentences_per_s} sentences/s (${r.sentences_per_cpu_s} per CPU-s), p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms per batch`,
      );
    }
    out['lexicon'] = { model: lexicon.name, version: lexicon.version, results: lexRows };

    if (args.model !== undefined) {
      log(`model ${args.model} (${dtype}), the same sample sentences`);
      out['model'] = {
        path: args.model,
        dtype,
        results: await benchModel(args.model, sentences, { minBatches: 5, minMs: 3000, maxBatches: 500 }, 128, { dtype }),
      };
    }

    if (!skipBase) {
      const base = writeTinyBert({ out: join(tmp, 'base'), seed: 2, hidden: 768, layers: 12, heads: 12, intermediate: 3072 });
      const runs: Record<string, Row[]> = {};
      for (const seq of [32, 64]) {
        const pool = Array.from({ length: 64 }, (_, i) => sentenceOfTokens(seq, i));
        log(
          `BERT-base shape (${parameterCount(base.shape)} parameters; FinBERT: 109.5M with its 30,522-token vocabulary), inputs of ${seq} tokens`,
        );
        runs[`seq_${seq}`] = await benchModel(base.dir, pool, { minBatches: 5, minMs: 3000, maxBatches: 200 }, 128);
      }
      out['bert_base_shape'] = {
        method: 'measured: random-weight graph with BERT-base shape (FinBERT architecture), same per-token FLOPs; answers meaningless',
        shape: base.shape,
        parameters: parameterCount(base.shape),
        results: runs,
      };
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const result = {
    ...out,
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadavg_start: load0.map((x) => round(x, 2)),
      loadavg_end: loadavg().map((x) => round(x, 2)),
    },
    onnxruntime: 'onnxruntime-node 1.30.0 (CPU) via @huggingface/transformers 4.3.1',
    at: new Date().toISOString(),
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/onnx.json'), JSON.stringify(result, null, 2) + '\n');
  log(
    `wrote bench/results/onnx.json (load average ${load0.map((x) => x.toFixed(2)).join(' ')} at start, ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} at end)`,
  );
}

await main();
