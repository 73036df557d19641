/**
 * Micro-batching for callers that hand over one item at a time (the finbert-actor handles one message per
 * delivery, several deliveries in flight). Items wait until `maxBatch` have gathered or `maxWaitMs` has passed since
 * the first of them, then run as one batch. One batch runs at a time: while it runs, new items queue, and the next
 * batch starts as soon as it ends (those items have waited already), so under load batches fill up by themselves
 * and onnxruntime is never asked to run two sessions against each other on a small machine.
 */
import { OnnxScorerClosedError } from './errors.ts';

export interface MicroBatcherOptions {
  maxBatch: number;
  maxWaitMs: number;
}

interface Waiting<I, O> {
  item: I;
  resolve: (o: O) => void;
  reject: (e: unknown) => void;
}

export class MicroBatcher<I, O> {
  private queue: Waiting<I, O>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  /** Sizes of the batches run so far (for tests and metrics). */
  readonly batchSizes: number[] = [];

  constructor(
    private readonly runBatch: (items: I[]) => Promise<O[]>,
    private readonly opts: MicroBatcherOptions,
  ) {
    if (!(opts.maxBatch >= 1)) throw new RangeError(`maxBatch must be >= 1, got ${opts.maxBatch}`);
  }

  push(item: I): Promise<O> {
    if (this.closed) return Promise.reject(new OnnxScorerClosedError('the ONNX scorer is closed'));
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Runs what is queued, waits for it, and refuses new items. */
  async close(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    while (this.running !== null || this.queue.length > 0) {
      if (this.running === null) this.start();
      await this.running;
    }
  }

  private schedule(): void {
    if (this.running !== null) return;
    if (this.queue.length >= this.opts.maxBatch) {
      this.start();
    } else if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        if (this.running === null) this.start();
      }, this.opts.maxWaitMs);
    }
  }

  private start(): void {
    this.clearTimer();
    const batch = this.queue.splice(0, this.opts.maxBatch);
    if (batch.length === 0) return;
    this.batchSizes.push(batch.length);
    this.running = this.execute(batch).finally(() => {
      this.running = null;
      // Whatever queued meanwhile has waited at least one batch: run it now rather than after another wait.
      if (this.queue.length > 0) this.start();
    });
  }

  private async execute(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const out = await this.runBatch(batch.map((w) => w.item));
      if (out.length !== batch.length) throw new Error(`batch function returned ${out.length} results for ${batch.length} items`);
      batch.forEach((w, i) => w.resolve(out[i] as O));
    } catch (e) {
      for (const w of batch) w.reject(e);
    }
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
