import { createReadStream, statSync } from 'node:fs';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { isBlank, readLines } from '@himari/pipeline';

/** Items `himari run` will publish from a file: its non-blank lines. Unknown (undefined) for standard input or a pipe. */
export async function countItems(path: string): Promise<number | undefined> {
  if (path === '-' || !statSync(path).isFile()) return undefined;
  let n = 0;
  for await (const line of readLines(createReadStream(path))) if (!isBlank(line.bytes)) n += 1;
  return n;
}

export interface ProgressCounts {
  resolved: number;
  signals: number;
  rejected: number;
}

/**
 * The run's bar on a terminal. With the total known up front it shows percentage, rate and ETA; without one (a pipe)
 * it counts and shows the rate. `log` prints a line above the bar instead of through it.
 */
export class RunProgress {
  private readonly multi: MultiBar;
  private readonly bar: SingleBar;
  private readonly started = Date.now();

  constructor(
    stream: NodeJS.WriteStream,
    private readonly total: number | undefined,
  ) {
    const known = total !== undefined;
    this.multi = new MultiBar(
      {
        stream,
        hideCursor: true,
        clearOnComplete: false,
        format: known
          ? 'himari run |{bar}| {percentage}% {value}/{total} items | {rate}/s | ETA {eta} | {signals} signals, {rejected} rejected'
          : 'himari run {value} items resolved | {rate}/s | {signals} signals, {rejected} rejected',
      },
      Presets.shades_classic,
    );
    // cli-progress needs a total: a pipe's run gets a nominal one that the format never shows.
    this.bar = this.multi.create(total ?? 1, 0, { rate: '0', eta: '--', signals: 0, rejected: 0 });
  }

  update(p: ProgressCounts): void {
    const s = (Date.now() - this.started) / 1000;
    if (this.total === undefined) this.bar.setTotal(p.resolved + 1);
    const rate = s > 0 ? p.resolved / s : 0;
    const eta = this.total !== undefined && rate > 0 ? formatSeconds((this.total - p.resolved) / rate) : '--';
    this.bar.update(p.resolved, { rate: rate.toFixed(0), eta, signals: p.signals, rejected: p.rejected });
  }

  log(line: string): void {
    this.multi.log(line.endsWith('\n') ? line : `${line}\n`);
  }

  stop(): void {
    this.multi.stop();
  }
}

export function formatSeconds(s: number): string {
  const t = Math.max(0, Math.round(s));
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
}
