import { describe, it, expect } from 'vitest';
import { classifyEventDesignKeywords, DESIGN_BASELINE_VERSION } from './design-baseline.ts';
import { classifyEventRules } from './classifier.ts';

// These tests pin the baseline's known flaws: they document it, and show where classifyEvent differs.
describe('design keyword baseline (substring matching)', () => {
  it('misclassifies "corporate" as macro because it contains "rate"', () => {
    const b = classifyEventDesignKeywords('Corporate governance review at Acme');
    expect(b.category).toBe('macro');
    expect(b.matched).toContain('rate');
    expect(classifyEventRules('Corporate governance review at Acme').category).not.toBe('macro');
  });

  it('misclassifies "second" as regulatory because it contains "sec"', () => {
    const b = classifyEventDesignKeywords('Shares rose for a second day');
    expect(b.category).toBe('regulatory');
    expect(classifyEventRules('Shares rose for a second day').category).toBe('market');
  });

  it('takes the first category in its order on ties', () => {
    const b = classifyEventDesignKeywords('SEC questions the CEO');
    expect(b.hits.corporate).toBe(1);
    expect(b.hits.regulatory).toBe(1);
    expect(b.category).toBe('corporate');
  });

  it('agrees with the classifier on plain cases, and says unknown without hits', () => {
    expect(classifyEventDesignKeywords('Apple earnings beat, revenue up').category).toBe('earnings');
    expect(classifyEventDesignKeywords('Lovely weather').category).toBe('unknown');
    expect(classifyEventDesignKeywords('x').classifier).toBe(DESIGN_BASELINE_VERSION);
  });
});
