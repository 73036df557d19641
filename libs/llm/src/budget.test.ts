import { describe, expect, it } from 'vitest';
import { HourlyBudget, withBudget } from './budget.ts';
import { BudgetExhaustedError } from './errors.ts';
import { createScriptedGenerator } from './testing.ts';

describe('HourlyBudget', () => {
  it('refuses a call whose worst case would break the token limit, and frees the window after an hour', () => {
    let now = 0;
    const b = new HourlyBudget({
      tokensPerHour: 1000,
      usdPerHour: 0,
      usdPer1kPromptTokens: 0,
      usdPer1kCompletionTokens: 0,
      clock: () => now,
    });
    const r1 = b.tryReserve({ promptTokens: 300, completionTokens: 300 });
    expect(r1).not.toBeNull();
    expect(b.tryReserve({ promptTokens: 300, completionTokens: 200 })).toBeNull();
    r1!.commit({ promptTokens: 300, completionTokens: 50 });
    expect(b.state().tokens).toBe(350);
    expect(b.tryReserve({ promptTokens: 300, completionTokens: 300 })).not.toBeNull();
    now = 3_600_001;
    expect(b.state().tokens).toBe(600);
  });

  it('enforces the cost limit from the per-1k prices', () => {
    const b = new HourlyBudget({ tokensPerHour: 0, usdPerHour: 0.01, usdPer1kPromptTokens: 0.001, usdPer1kCompletionTokens: 0.002 });
    expect(b.cost({ promptTokens: 1000, completionTokens: 1000 })).toBeCloseTo(0.003);
    for (let i = 0; i < 3; i++)
      b.tryReserve({ promptTokens: 1000, completionTokens: 1000 })!.commit({ promptTokens: 1000, completionTokens: 1000 });
    expect(b.tryReserve({ promptTokens: 1000, completionTokens: 1000 })).toBeNull();
  });

  it('withBudget throws before calling the backend once the budget is spent', async () => {
    const gen = createScriptedGenerator(() => 'x'.repeat(400));
    const b = new HourlyBudget({ tokensPerHour: 400, usdPerHour: 0, usdPer1kPromptTokens: 0, usdPer1kCompletionTokens: 0 });
    const g = withBudget(gen, b);
    const req = { messages: [{ role: 'user' as const, content: 'y'.repeat(400) }], maxTokens: 150, temperature: 0 };
    await g.generate(req);
    await expect(g.generate(req)).rejects.toBeInstanceOf(BudgetExhaustedError);
    expect(gen.calls).toHaveLength(1);
  });
});
