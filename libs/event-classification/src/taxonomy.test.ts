import { describe, it, expect } from 'vitest';
import { EventCategory, Urgency } from '@himari/contracts';
import { CATEGORY_ORDER, CATEGORY_RULES, GENERAL_SUBCATEGORY, HALF_LIFE_S, SUBCATEGORY_DEFAULTS } from './taxonomy.ts';
import { phraseTokens } from './text.ts';

describe('taxonomy data', () => {
  it('covers every known category exactly once', () => {
    expect([...CATEGORY_ORDER].sort()).toEqual(EventCategory.options.filter((c) => c !== 'unknown').sort());
  });

  it('has defaults for every subcategory a rule names, and positive weights', () => {
    for (const c of CATEGORY_ORDER) {
      for (const r of CATEGORY_RULES[c]) {
        expect(SUBCATEGORY_DEFAULTS[c][r.subcategory], `${c}/${r.subcategory}`).toBeDefined();
        expect(r.weight, r.phrase).toBeGreaterThan(0);
      }
      expect(SUBCATEGORY_DEFAULTS[c][GENERAL_SUBCATEGORY]).toBeDefined();
    }
  });

  it('lists no phrase twice within a category and every phrase tokenises', () => {
    for (const c of CATEGORY_ORDER) {
      const keys = CATEGORY_RULES[c].map((r) => phraseTokens(r.phrase).join(' '));
      for (const k of keys) expect(k.length, c).toBeGreaterThan(0);
      expect(new Set(keys).size, c).toBe(keys.length);
    }
  });

  it('decays immediate news fastest and long-term news slowest', () => {
    for (const c of EventCategory.options) {
      const h = HALF_LIFE_S[c];
      expect(h.immediate, c).toBeLessThan(h.short_term);
      expect(h.short_term, c).toBeLessThan(h.long_term);
      for (const u of Urgency.options) expect(h[u]).toBeGreaterThan(0);
    }
  });
});
