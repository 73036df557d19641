/**
 * The VADER baseline scored on a worker thread while the replay runs: the embedded pipeline keeps one core busy and
 * VADER's JavaScript port costs about 0.4 ms a text (35 s for StockNet on a loaded machine), so on two cores the
 * baseline comes for free. The worker runs the `vader-sentiment` package itself (`polarity_scores(text).compound`),
 * the same function `vaderCompound` calls, so the numbers are identical to scoring in-process.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export class VaderWorkerError extends Error {
  override readonly name = 'VaderWorkerError';
  readonly retryable = false;
}

// Plain CommonJS, evaluated by the worker: no TypeScript loader needed there.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { SentimentIntensityAnalyzer } = require(workerData.vaderPath);
const texts = workerData.texts;
const out = new Float64Array(texts.length);
const seen = new Map();
for (let i = 0; i < texts.length; i++) {
  let v = seen.get(texts[i]);
  if (v === undefined) {
    v = SentimentIntensityAnalyzer.polarity_scores(texts[i]).compound;
    seen.set(texts[i], v);
  }
  out[i] = v;
}
parentPort.postMessage(out, [out.buffer]);
`;

/** VADER compound of each text, index for index, computed on a worker thread. */
export function vaderCompoundsInWorker(texts: readonly string[]): Promise<Float64Array> {
  const vaderPath = createRequire(import.meta.url).resolve('vader-sentiment');
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { vaderPath, texts } });
    let done = false;
    worker.once('message', (scores: Float64Array) => {
      done = true;
      resolve(scores);
      void worker.terminate();
    });
    worker.once('error', (err) => reject(new VaderWorkerError(`VADER worker failed: ${err.message}`, { cause: err })));
    worker.once('exit', (code) => {
      if (!done) reject(new VaderWorkerError(`VADER worker exited with code ${code} before answering`));
    });
  });
}
