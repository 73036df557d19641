/**
 * Token and cost budget per rolling hour. The actor asks before each call with an estimate (prompt + the most the
 * answer can cost) and records the real usage after; when the estimate does not fit, the item is shed rather than
 * the budget overspent.
 */
import { BudgetExhaustedError } from './errors.ts';
import { estimateTokens, type TextGenerator } from './types.ts';

export interface BudgetOptions {
  /** 0: no token limit. */
  tokensPerHour: number;
  /** 0: no cost limit. */
  usdPerHour: number;
  usdPer1kPromptTokens: number;
  usdPer1kCompletionTokens: number;
  /** @default 3600000 */
  windowMs?: number;
  clock?: () => number;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

interface Entry {
  at: number;
  tokens: number;
  usd: number;
}

export interface BudgetState {
  tokens: number;
  usd: number;
  tokensPerHour: number;
  usdPerHour: number;
}

/** A reservation: commit the real usage, or release it when the call never happened. */
export interface Reservation {
  commit(usage: Usage): void;
  release(): void;
}

export class HourlyBudget {
  private readonly entries: Entry[] = [];
  private readonly windowMs: number;
  private readonly clock: () => number;
  private reservedTokens = 0;
  private reservedUsd = 0;

  constructor(private readonly opts: BudgetOptions) {
    for (const [k, v] of Object.entries({ tokensPerHour: opts.tokensPerHour, usdPerHour: opts.usdPerHour })) {
      if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`budget ${k} must be a finite number >= 0, got ${v}`);
    }
    this.windowMs = opts.windowMs ?? 3_600_000;
    this.clock = opts.clock ?? Date.now;
  }

  get limited(): boolean {
    return this.opts.tokensPerHour > 0 || this.opts.usdPerHour > 0;
  }

  cost(usage: Usage): number {
    return (usage.promptTokens * this.opts.usdPer1kPromptTokens + usage.completionTokens * this.opts.usdPer1kCompletionTokens) / 1000;
  }

  state(): BudgetState {
    this.expire();
    let tokens = this.reservedTokens;
    let usd = this.reservedUsd;
    for (const e of this.entries) {
      tokens += e.tokens;
      usd += e.usd;
    }
    return { tokens, usd, tokensPerHour: this.opts.tokensPerHour, usdPerHour: this.opts.usdPerHour };
  }

  /** Null when the worst case of this call would break a limit: the caller sheds the item. */
  tryReserve(worstCase: Usage): Reservation | null {
    const tokens = worstCase.promptTokens + worstCase.completionTokens;
    const usd = this.cost(worstCase);
    if (this.limited) {
      const s = this.state();
      if (this.opts.tokensPerHour > 0 && s.tokens + tokens > this.opts.tokensPerHour) return null;
      if (this.opts.usdPerHour > 0 && s.usd + usd > this.opts.usdPerHour) return null;
    }
    this.reservedTokens += tokens;
    this.reservedUsd += usd;
    let open = true;
    const close = (): void => {
      if (!open) return;
      open = false;
      this.reservedTokens -= tokens;
      this.reservedUsd -= usd;
    };
    return {
      commit: (usage) => {
        if (!open) return;
        close();
        this.entries.push({ at: this.clock(), tokens: usage.promptTokens + usage.completionTokens, usd: this.cost(usage) });
      },
      release: close,
    };
  }

  private expire(): void {
    const cutoff = this.clock() - this.windowMs;
    let drop = 0;
    while (drop < this.entries.length && this.entries[drop]!.at <= cutoff) drop++;
    if (drop > 0) this.entries.splice(0, drop);
  }
}

/**
 * A generator that asks the budget first: the worst case of the call (the prompt, estimated, plus `maxTokens`) must
 * fit, or it throws BudgetExhaustedError without calling the backend; the usage the backend reports is recorded.
 */
export function withBudget(generator: TextGenerator, budget: HourlyBudget): TextGenerator {
  if (!budget.limited) return generator;
  return {
    kind: generator.kind,
    model: generator.model,
    modelVersion: generator.modelVersion,
    supportsSchema: generator.supportsSchema,
    async generate(req) {
      const promptTokens = req.messages.reduce((n, m) => n + estimateTokens(m.content) + 4, 0);
      const reservation = budget.tryReserve({ promptTokens, completionTokens: req.maxTokens });
      if (reservation === null) {
        const s = budget.state();
        throw new BudgetExhaustedError(
          `hourly LLM budget spent: ${s.tokens} of ${s.tokensPerHour || '∞'} tokens, $${s.usd.toFixed(4)} of $${s.usdPerHour || '∞'} in the last hour`,
        );
      }
      try {
        const result = await generator.generate(req);
        reservation.commit({ promptTokens: result.promptTokens, completionTokens: result.completionTokens });
        return result;
      } catch (err) {
        // A failed call may still have been billed; count its worst case rather than nothing.
        reservation.commit({ promptTokens, completionTokens: 0 });
        throw err;
      }
    },
    dispose: () => generator.dispose(),
  };
}
