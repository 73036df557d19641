import { describe, expect, it } from 'vitest';
import { jsonSchemaToGbnf, signalOutputSchema, UnsupportedSchemaError, withoutLengthBounds } from './schema.ts';

describe('signal output schema and grammar', () => {
  it('bounds the strings and lists of J6 schema and keeps every field required', () => {
    const s = signalOutputSchema({ maxReasoningChars: 50, maxListItems: 2, maxItemChars: 10 }).jsonSchema as {
      properties: Record<string, Record<string, unknown>>;
      required: string[];
      additionalProperties: boolean;
    };
    expect(s.properties['reasoning']!['maxLength']).toBe(50);
    expect(s.properties['entities']!['maxItems']).toBe(2);
    expect(s.required).toHaveLength(8);
    expect(s.additionalProperties).toBe(false);
  });

  it('writes a GBNF grammar whose numbers cannot leave [-1, 1] and [0, 1]', () => {
    const g = jsonSchemaToGbnf(signalOutputSchema({ maxReasoningChars: 50 }).jsonSchema);
    expect(g).toContain('"{" "\\"sentiment\\":" "-"? ("0" ("." [0-9]{1,4})? | "1" ("." "0"{1,4})?)');
    expect(g).toContain('",\\"confidence\\":" ("0" ("." [0-9]{1,4})? | "1" ("." "0"{1,4})?)');
    expect(g).toContain('("\\"BUY\\"" | "\\"SELL\\"" | "\\"HOLD\\"")');
    expect(g).toContain('char{0,50}');
    expect(g).toMatch(/^root ::= value$/m);
  });

  it('refuses what it cannot express, so the backend falls back to its own converter', () => {
    expect(() => jsonSchemaToGbnf({ type: 'object', properties: { a: { type: 'null' } } })).toThrow(UnsupportedSchemaError);
    expect(() => jsonSchemaToGbnf({ type: 'object', properties: { a: { type: 'string' } }, required: [] })).toThrow(/optional/);
  });

  it('can drop maxLength for servers whose strict mode rejects it', () => {
    const stripped = JSON.stringify(withoutLengthBounds(signalOutputSchema()).jsonSchema);
    expect(stripped).not.toContain('maxLength');
    expect(stripped).toContain('maxItems');
  });
});
