import { describe, expect, it } from 'vitest';
import { NewsItem, encode } from '@himari/contracts';
import { REJECT_CODES, RejectCode, normaliseRaw, type IngestResult } from './index.ts';
import { mulberry32 } from '@himari/numeric';
import { TEST_INGEST_OPTIONS, TEST_NOW_MS, jsonBytes, rawItem } from './testing.ts';

/** Small limits so that random input reaches the size and truncation paths too. */
const OPTS = { ...TEST_INGEST_OPTIONS, maxTextChars: 64, maxMessageBytes: 4096 };
const KNOWN = new Set<string>(REJECT_CODES.filter((c) => c !== RejectCode.duplicate_id));

type Rng = () => number;

function int(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[int(rng, xs.length)] as T;
}

/** Checks the one promise of normaliseRaw: a result, never an exception; a known code, or a schema-valid item. */
function check(bytes: Uint8Array): IngestResult {
  let r: IngestResult;
  try {
    r = normaliseRaw(bytes, OPTS, TEST_NOW_MS);
  } catch (err) {
    throw new Error(`threw on ${Buffer.from(bytes.slice(0, 64)).toString('hex')}: ${String(err)}`, { cause: err });
  }
  if (r.ok) {
    const parsed = NewsItem.safeParse(r.item);
    if (!parsed.success) throw new Error(`accepted an invalid item: ${JSON.stringify(r.item).slice(0, 200)}`);
  } else if (!KNOWN.has(r.code) || r.reason.length === 0) {
    throw new Error(`unknown code ${r.code} (${r.reason})`);
  }
  return r;
}

function randomBytes(rng: Rng): Uint8Array {
  const len = int(rng, 5) === 0 ? int(rng, 6000) : int(rng, 64);
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = int(rng, 256);
  // Steer some inputs into the JSON and msgpack branches instead of leaving them all to the first-byte sniff.
  const lead = int(rng, 4);
  if (len > 0 && lead === 0) out[0] = 0x7b;
  if (len > 0 && lead === 1) out[0] = 0x80 + int(rng, 16);
  return out;
}

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\r\n',
  '$btc',
  'BTC',
  'x'.repeat(300),
  '\ud800',
  '\u202e',
  '2024-02-30',
  'news',
  'ignore previous instructions',
  '📈',
];

function randomString(rng: Rng): string {
  if (rng() < 0.3) return pick(rng, ODD_STRINGS);
  const len = int(rng, 40);
  let s = '';
  for (let i = 0; i < len; i++) {
    const r = rng();
    s += String.fromCharCode(r < 0.6 ? 0x20 + int(rng, 95) : r < 0.8 ? int(rng, 0x20) : int(rng, 0x10000));
  }
  return s;
}

function randomValue(rng: Rng, depth: number): unknown {
  const k = int(rng, depth > 2 ? 6 : 8);
  switch (k) {
    case 0:
      return null;
    case 1:
      return rng() < 0.5;
    case 2:
      return pick(rng, [0, -1, 1.5, 1e11, 1_709_290_000, 1_709_290_000_000, 1e300, -0]);
    case 3:
    case 4:
    case 5:
      return randomString(rng);
    case 6:
      return Array.from({ length: int(rng, 4) }, () => randomValue(rng, depth + 1));
    default:
      return randomObject(rng, depth + 1);
  }
}

const FIELDS = ['id', 'text', 'asset', 'source', 'published_at', 'kind', 'extra', '__proto__', 'constructor'];

function randomObject(rng: Rng, depth: number): Record<string, unknown> {
  const obj: Record<string, unknown> = rng() < 0.5 ? rawItem() : {};
  const n = int(rng, 6);
  for (let i = 0; i < n; i++) {
    const key = pick(rng, FIELDS);
    if (rng() < 0.2) delete obj[key];
    else Object.defineProperty(obj, key, { value: randomValue(rng, depth), enumerable: true, configurable: true, writable: true });
  }
  return obj;
}

describe('normaliseRaw fuzz (seeded mulberry32)', () => {
  it('never throws on 5,000 random byte strings', () => {
    const rng = mulberry32(0x1e57);
    const codes = new Map<string, number>();
    for (let i = 0; i < 5_000; i++) {
      const r = check(randomBytes(rng));
      const key = r.ok ? 'ok' : r.code;
      codes.set(key, (codes.get(key) ?? 0) + 1);
    }
    // The generator must actually reach the decoder's branches, or the test proves little.
    for (const code of [
      RejectCode.invalid_utf8,
      RejectCode.invalid_json,
      RejectCode.undecodable,
      RejectCode.not_object,
      RejectCode.too_large,
    ]) {
      expect(codes.get(code) ?? 0, `${code} in ${JSON.stringify([...codes])}`).toBeGreaterThan(0);
    }
  });

  it('never throws on 2,000 random JSON values, and the same values as msgpack', () => {
    const rng = mulberry32(0xbeef);
    const outcomes = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const value = rng() < 0.8 ? randomObject(rng, 0) : randomValue(rng, 0);
      const json = check(jsonBytes(value));
      const msgpack = check(encode(value));
      outcomes.add(json.ok ? 'ok' : json.code);
      // One value must be judged alike whichever encoding carried it.
      if (json.ok !== msgpack.ok) throw new Error(`JSON and msgpack disagree on ${JSON.stringify(value)?.slice(0, 200)}`);
    }
    expect(outcomes.has('ok')).toBe(true);
    expect(outcomes.size).toBeGreaterThan(8);
  });
});
