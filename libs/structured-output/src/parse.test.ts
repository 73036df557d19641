import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseModelOutput } from './parse.ts';
import { ExtractedSignal, SIGNAL_JSON_SCHEMA, SCHEMA_VERSION, directionToNumber } from './schema.ts';
import { MESSY_OUTPUTS, VALID_SIGNAL_JSON } from './testing.ts';

describe('parseModelOutput on the messy-output corpus', () => {
  it('has a corpus large enough to mean something', () => {
    expect(MESSY_OUTPUTS.length).toBeGreaterThanOrEqual(25);
    expect(MESSY_OUTPUTS.filter((c) => !c.expect.ok).length).toBeGreaterThanOrEqual(10);
  });

  for (const c of MESSY_OUTPUTS) {
    it(c.name, () => {
      const r = parseModelOutput(c.input);
      const e = c.expect;
      if (!e.ok) {
        expect(r.ok, r.ok ? `unexpectedly ok: ${JSON.stringify(r.value)}` : '').toBe(false);
        if (!r.ok) {
          expect(r.code).toBe(e.code);
          expect(r.reason.length).toBeGreaterThan(0);
        }
        return;
      }
      expect(r.ok, r.ok ? '' : `${r.code}: ${r.reason}`).toBe(true);
      if (!r.ok) return;
      expect(ExtractedSignal.safeParse(r.value).success).toBe(true);
      expect(r.value.direction).toBe(e.direction);
      if (e.sentiment !== undefined) expect(r.value.sentiment).toBeCloseTo(e.sentiment, 9);
      if (e.confidence !== undefined) expect(r.value.confidence).toBeCloseTo(e.confidence, 9);
      if (e.repairsExact !== undefined) expect(r.repairs).toEqual(e.repairsExact);
      for (const rep of e.repairs ?? []) expect(r.repairs).toContain(rep);
      for (const w of e.warnings ?? []) expect(r.warnings).toContain(w);
      if (e.reasoningIncludes !== undefined) expect(r.value.reasoning).toContain(e.reasoningIncludes);
    });
  }

  it('never turns a failing case into an ok HOLD', () => {
    for (const c of MESSY_OUTPUTS.filter((x) => !x.expect.ok)) {
      const r = parseModelOutput(c.input);
      expect(r.ok && r.value.direction === 'HOLD', c.name).toBe(false);
    }
  });

  it('returns HOLD only when the model said so', () => {
    for (const c of MESSY_OUTPUTS) {
      const r = parseModelOutput(c.input);
      if (r.ok && r.value.direction === 'HOLD') expect(c.input, c.name).toMatch(/hold|neutral|flat/i);
    }
  });

  it('reads huge output in bounded time', () => {
    const huge = MESSY_OUTPUTS.filter((c) => c.input.length > 100_000);
    expect(huge.length).toBeGreaterThanOrEqual(3);
    for (const c of huge) {
      const t0 = performance.now();
      parseModelOutput(c.input);
      expect(performance.now() - t0, c.name).toBeLessThan(2000);
    }
  });
});

describe('truncation at every cut point', () => {
  const pretty = JSON.stringify(JSON.parse(VALID_SIGNAL_JSON), null, 2);
  for (const [label, full] of [
    ['compact', VALID_SIGNAL_JSON],
    ['pretty', pretty],
  ] as const) {
    it(`${label}: each prefix is either the same BUY signal (salvaged) or a failure, never HOLD or a changed number`, () => {
      const whole = parseModelOutput(full);
      expect(whole.ok).toBe(true);
      let salvaged = 0;
      let truncated = 0;
      for (let cut = 0; cut < full.length - 1; cut++) {
        const r = parseModelOutput(full.slice(0, cut));
        if (r.ok) {
          salvaged++;
          expect(r.value.direction).toBe('BUY');
          expect(r.value.sentiment).toBe(0.62);
          expect(r.value.confidence).toBe(0.81);
          expect(r.repairs).toContain('salvaged_truncated');
        } else {
          if (r.code === 'truncated') truncated++;
          expect(['empty', 'no_json', 'truncated']).toContain(r.code);
        }
      }
      expect(salvaged).toBeGreaterThan(0);
      expect(truncated).toBeGreaterThan(0);
    });
  }
});

describe('schemas', () => {
  it('JSON Schema and zod schema describe the same fields and enums', () => {
    const fromZod = z.toJSONSchema(ExtractedSignal) as {
      properties: Record<string, { enum?: string[]; type?: string }>;
      required: string[];
    };
    expect(Object.keys(SIGNAL_JSON_SCHEMA.properties).sort()).toEqual(Object.keys(fromZod.properties).sort());
    expect([...SIGNAL_JSON_SCHEMA.required].sort()).toEqual([...fromZod.required].sort());
    for (const [k, prop] of Object.entries(SIGNAL_JSON_SCHEMA.properties)) {
      const zprop = fromZod.properties[k]!;
      expect(prop.type, k).toBe(zprop.type);
      if ('enum' in prop) expect([...prop.enum].sort(), k).toEqual([...(zprop.enum ?? [])].sort());
    }
    expect(SIGNAL_JSON_SCHEMA.additionalProperties).toBe(false);
    expect(SCHEMA_VERSION).toMatch(/\/\d+$/);
  });

  it('is frozen, so a caller cannot alter the schema sent to a model', () => {
    expect(Object.isFrozen(SIGNAL_JSON_SCHEMA)).toBe(true);
    expect(Object.isFrozen(SIGNAL_JSON_SCHEMA.properties.direction.enum)).toBe(true);
  });

  it('maps directions to the wire numbers', () => {
    expect(directionToNumber('BUY')).toBe(1);
    expect(directionToNumber('SELL')).toBe(-1);
    expect(directionToNumber('HOLD')).toBe(0);
  });
});

describe('hostile keys', () => {
  it('does not resolve prototype names as fields or words', () => {
    const r = parseModelOutput(
      '{"constructor": 1, "sentiment": 0.1, "confidence": 0.5, "direction": "toString", "__proto__": {"direction": "BUY"}}',
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe('invalid');
  });
});
