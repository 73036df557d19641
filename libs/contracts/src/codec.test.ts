import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeAs, decodeRaw, DecodeError, encode } from './codec.ts';

/** msgpackr with every extension on: what a hostile producer can send. */
const hostile = new Packr({ moreTypes: true, structuredClone: true, useRecords: true });

describe('safe decoding', () => {
  it('round-trips plain data and binary', () => {
    const v = { a: [1, 2.5, 'x', true, null, { b: 'c' }], bin: new Uint8Array([1, 2, 3]) };
    const out = decodeRaw(encode(v)) as typeof v;
    expect(out.a).toEqual(v.a);
    expect([...out.bin]).toEqual([1, 2, 3]);
  });

  const cyclic: Record<string, unknown> = { name: 'loop' };
  cyclic['self'] = cyclic;
  it.each([
    ['Error', new Error('boom')],
    ['RegExp', /a+/],
    ['Set', new Set([1])],
    ['Float64Array', new Float64Array([1, 2])],
    ['record', [{ x: 1 }, { x: 2 }]],
    ['cyclic', cyclic],
  ])('refuses a %s built by the decoder', (name, value) => {
    const bytes = hostile.pack(value);
    if (name === 'record') {
      // Records decode to plain objects: harmless data, accepted as plain maps.
      expect(decodeRaw(bytes)).toEqual(value);
      return;
    }
    expect(() => decodeRaw(bytes)).toThrow();
    expect(() => decodeAs(z.unknown(), bytes)).toThrow(DecodeError);
  });

  it('refuses deep nesting without blowing the stack', () => {
    let v: unknown = 1;
    for (let i = 0; i < 100; i++) v = [v];
    expect(() => decodeRaw(encode(v))).toThrow(/nested deeper/);
    // 100k levels of array headers (0x91): msgpackr's own recursion fails first, still a thrown error.
    const deep = new Uint8Array(100_001).fill(0x91);
    deep[100_000] = 0x01;
    expect(() => decodeAs(z.unknown(), deep)).toThrow(DecodeError);
  });
});
