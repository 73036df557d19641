/**
 * Matches what comes back from the pipeline to the input lines of `himari run`: a dead letter by its message id (each
 * line is published under its own), a signal by its news id.
 *
 * Two lines may share a news id. The ingestor accepts whichever it handles first and dead-letters the other, and with
 * concurrent handlers that need not be the first line. So a signal whose id has several lines in flight is held until
 * the dead letters have said which lines were refused; the line left over made the signal. Without this the signal
 * was given to the earliest line, and the refusal to the line that actually made the signal.
 */
import type { Rejection, TradingSignal } from '@himari/contracts';

export interface PendingLine {
  /** 1-based line number in the input. */
  n: number;
  /** The news id read from the line, when it has one. */
  id: string | undefined;
  /** The message id the line was published under. */
  msgId: string;
}

export type Resolution =
  { kind: 'signal'; line: PendingLine; signal: TradingSignal } | { kind: 'reject'; line: PendingLine; rejection: Rejection };

export class LineMatcher {
  private readonly byMsg = new Map<string, PendingLine>();
  private readonly byId = new Map<string, PendingLine[]>();
  /** Signals waiting for their id's other lines to be refused. */
  private readonly held = new Map<string, TradingSignal[]>();

  add(line: PendingLine): void {
    this.byMsg.set(line.msgId, line);
    if (line.id !== undefined) this.byId.set(line.id, [...(this.byId.get(line.id) ?? []), line]);
  }

  /** Lines with no signal and no dead letter yet. */
  get size(): number {
    return this.byMsg.size;
  }

  /** The unresolved lines in input order. */
  pending(): PendingLine[] {
    return [...this.byMsg.values()].sort((a, b) => a.n - b.n);
  }

  onSignal(signal: TradingSignal): Resolution[] {
    const lines = this.byId.get(signal.id);
    if (!lines?.length) return []; // another run's signal, or a repeated announcement
    if (lines.length === 1) return [this.resolveSignal(lines[0]!, signal)];
    this.held.set(signal.id, [...(this.held.get(signal.id) ?? []), signal]);
    return this.release(signal.id);
  }

  onReject(r: Rejection): Resolution[] {
    // Stages after the ingestor dead-letter under their own message ids: those carry the news id instead.
    const line = this.byMsg.get(r.msg_id) ?? (r.news_id !== undefined ? this.byId.get(r.news_id)?.[0] : undefined);
    if (!line) return [];
    this.remove(line);
    const out: Resolution[] = [{ kind: 'reject', line, rejection: r }];
    if (line.id !== undefined) out.push(...this.release(line.id));
    return out;
  }

  /** At the end of a run: held signals go to their remaining lines in input order. */
  flush(): Resolution[] {
    const out: Resolution[] = [];
    for (const [id, signals] of this.held) {
      const lines = this.byId.get(id) ?? [];
      signals.forEach((s, i) => {
        const line = lines[i];
        if (line) out.push(this.resolveSignal(line, s));
      });
    }
    this.held.clear();
    return out;
  }

  /** Once as many signals are held as lines of their id remain, each remaining line made one of them. */
  private release(id: string): Resolution[] {
    const signals = this.held.get(id);
    const lines = this.byId.get(id) ?? [];
    if (!signals || signals.length < lines.length) return [];
    this.held.delete(id);
    return lines.slice().map((line, i) => this.resolveSignal(line, signals[i]!));
  }

  private resolveSignal(line: PendingLine, signal: TradingSignal): Resolution {
    this.remove(line);
    return { kind: 'signal', line, signal };
  }

  private remove(line: PendingLine): void {
    this.byMsg.delete(line.msgId);
    if (line.id === undefined) return;
    const rest = (this.byId.get(line.id) ?? []).filter((l) => l !== line);
    if (rest.length) this.byId.set(line.id, rest);
    else this.byId.delete(line.id);
  }
}
