/**
 * J5 scorer selection (`sentiment.backend`) and what reaches the signals: the ONNX model when configured and
 * present, else the trained model, else the lexicon; explicit choices that cannot load stop the start.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type ConfigInput } from '@himari/config';
import type { TradingSignal } from '@himari/contracts';
import { createLogger, type Logger } from '@himari/observability';
import { OnnxConfigError, OnnxDegenerateModelError, OnnxModelNotFoundError } from '@himari/onnx-classifier';
import { createScorer, runBatch, type SelectedScorer } from '@himari/pipeline';
import { trainSentiment } from '@himari/sentiment-model/offline';
import { tinyTfnsCsv } from '@himari/sentiment-model/testing';
import { tinyModels, type TinyModels } from '../tools/tiny-bert/fixtures.ts';

interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

function capturingLogger(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = createLogger({
    name: 'test',
    level: 'info',
    destination: { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) },
  });
  return { log, lines };
}

const WARN = 40;
let models: TinyModels;
let onnxDir: string;
let zeroDir: string;
let trainedPath: string;
const open: SelectedScorer[] = [];

beforeAll(async () => {
  models = tinyModels('himari-scorer-selection-');
  onnxDir = models.make('tiny-finbert', { seed: 11 }).dir;
  zeroDir = models.make('zero', { seed: 11, zeroClassifier: true }).dir;
  const csv = join(models.root, 'tiny.csv');
  writeFileSync(csv, tinyTfnsCsv());
  trainedPath = join(models.root, 'trained.json');
  await trainSentiment({ data: csv, out: trainedPath, validFraction: 0 });
});

afterAll(async () => {
  for (const s of open) await s.close();
  models?.cleanup();
});

const onnxTest = (path: string | null, extra: object = {}) => ({ path, self_check: { expect_direction: false }, ...extra });

async function select(sentiment: NonNullable<ConfigInput['sentiment']>) {
  const { log, lines } = capturingLogger();
  const scorer = await createScorer(loadConfig({ overrides: { sentiment } }), log);
  open.push(scorer);
  return { scorer, lines };
}

describe('sentiment.backend: auto', () => {
  it('picks the trained model when no ONNX model is configured, and logs the choice', async () => {
    const { scorer, lines } = await select({ backend: 'auto', trained: { path: trainedPath } });
    expect(scorer.kind).toBe('trained');
    expect(scorer.name).toBe('trained');
    expect((await scorer.score('Acme shares surge after record profit')).scorer).toBe('trained');
    const chosen = lines.find((l) => l.msg.startsWith('J5 sentiment scorer:'));
    expect(chosen).toMatchObject({ backend: 'auto', scorer: 'trained', model: 'trained', model_version: scorer.version });
  });

  it('picks the ONNX model when it is configured and present', async () => {
    const { scorer, lines } = await select({ backend: 'auto', onnx: onnxTest(onnxDir), trained: { path: trainedPath } });
    expect(scorer.kind).toBe('onnx');
    expect(scorer.name).toBe('tiny-finbert');
    expect(lines.some((l) => l.msg === 'J5: ONNX model loaded')).toBe(true);
    expect(lines.filter((l) => l.level >= WARN)).toEqual([]);
  });

  it('falls back to the trained model with a warning when the configured ONNX folder is missing', async () => {
    const missing = join(models.root, 'not-downloaded');
    const { scorer, lines } = await select({ backend: 'auto', onnx: onnxTest(missing), trained: { path: trainedPath } });
    expect(scorer.kind).toBe('trained');
    const warn = lines.find((l) => l.level === WARN);
    expect(warn?.msg).toMatch(/ONNX model is not present; falling back/);
    expect(String(warn?.['err'])).toContain(missing);
  });

  it('falls back to the lexicon with a warning when the trained model file is missing too', async () => {
    const { scorer, lines } = await select({ backend: 'auto', trained: { path: join(models.root, 'nope.json') } });
    expect(scorer.kind).toBe('lexicon');
    expect(lines.find((l) => l.level === WARN)?.msg).toMatch(/falling back to the lexicon/);
  });

  it('does not fall back from an ONNX model that is present but broken: that stops the start', async () => {
    await expect(select({ backend: 'auto', onnx: onnxTest(zeroDir), trained: { path: trainedPath } })).rejects.toThrow(
      OnnxDegenerateModelError,
    );
  });
});

describe('explicit backends fail at start when they cannot load', () => {
  it('onnx with a missing folder', async () => {
    await expect(select({ backend: 'onnx', onnx: onnxTest(join(models.root, 'missing')) })).rejects.toThrow(OnnxModelNotFoundError);
  });

  it('onnx with nothing configured', async () => {
    await expect(select({ backend: 'onnx' })).rejects.toThrow(OnnxConfigError);
  });

  it('trained with a missing file', async () => {
    await expect(select({ backend: 'trained', trained: { path: join(models.root, 'missing.json') } })).rejects.toThrow(
      /cannot read sentiment model/,
    );
  });

  it('lexicon is always there', async () => {
    const { scorer } = await select({ backend: 'lexicon', onnx: onnxTest(onnxDir) });
    expect(scorer.kind).toBe('lexicon');
  });
});

describe('a process without the finbert-actor', () => {
  it('loads no model and refuses to score', async () => {
    const { log } = capturingLogger();
    const scorer = await createScorer(
      loadConfig({ overrides: { sentiment: { backend: 'onnx', onnx: onnxTest(join(models.root, 'missing')) } } }),
      log,
      ['ingestor'],
    );
    await expect(scorer.score('x')).rejects.toThrow(/no J5 scorer/);
  });
});

describe('every signal says which model made its sentiment', () => {
  const input = (): Readable =>
    Readable.from(
      [
        { id: 'n1', text: 'Apple beats estimates and raises guidance. Shares jump after hours.', asset: 'AAPL' },
        { id: 'n2', text: 'Bitcoin exchange hacked, withdrawals halted', asset: 'BTC' },
        { id: 'n3', text: 'Tesla to hold its annual meeting on Tuesday', asset: 'TSLA' },
        { id: 'n4', text: 'Nvidia shares soar to a record high', asset: 'NVDA' },
      ].map((x) => Buffer.from(JSON.stringify(x) + '\n')),
    );

  async function run(sentiment: NonNullable<ConfigInput['sentiment']>): Promise<TradingSignal[]> {
    const signals: TradingSignal[] = [];
    const { log } = capturingLogger();
    await runBatch({
      config: loadConfig({ overrides: { sentiment } }),
      input: input(),
      log,
      onSignal: (s) => signals.push(s),
      onReject: (r) => expect.fail(`unexpected reject ${JSON.stringify(r)}`),
      idleTimeoutMs: 30_000,
    });
    return signals;
  }

  it('ONNX: the finbert-actor awaits the micro-batched model and provenance names it', async () => {
    const signals = await run({ backend: 'auto', onnx: onnxTest(onnxDir) });
    expect(signals).toHaveLength(4);
    const { log } = capturingLogger();
    const ref = await createScorer(loadConfig({ overrides: { sentiment: { backend: 'onnx', onnx: onnxTest(onnxDir) } } }), log);
    open.push(ref);
    for (const s of signals) expect(s.provenance.sentiment_model).toBe(`tiny-finbert@${ref.version}`);
    expect(ref.version).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it('trained: provenance names the trained model', async () => {
    const signals = await run({ backend: 'trained', trained: { path: trainedPath } });
    expect(signals).toHaveLength(4);
    for (const s of signals) expect(s.provenance.sentiment_model).toMatch(/^trained@sha256:[0-9a-f]{16}$/);
  });
});
