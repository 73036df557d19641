import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENCODER_PATH } from './paths.ts';
import { ProjectEncoder } from './project-encoder.ts';
import { trainProjectEncoder, writeProjectEncoder } from './train.ts';
import { dot } from '@himari/numeric';

const dir = mkdtempSync(join(tmpdir(), 'himari-enc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const topics = [
  ['fed', 'rates', 'inflation', 'powell', 'hike', 'basis', 'points', 'treasury'],
  ['oil', 'opec', 'crude', 'barrel', 'supply', 'brent', 'output', 'energy'],
  ['apple', 'iphone', 'earnings', 'revenue', 'quarter', 'sales', 'guidance', 'beats'],
  ['bitcoin', 'crypto', 'etf', 'inflows', 'halving', 'miners', 'exchange', 'wallet'],
];

function corpus(n: number): string[] {
  let s = 1;
  const rand = () => (s = (s * 48271) % 2147483647) / 2147483647;
  return Array.from({ length: n }, (_, i) => {
    const t = topics[i % topics.length]!;
    return Array.from({ length: 7 }, () => t[Math.floor(rand() * t.length)]).join(' ') + ` item${i}`;
  });
}

describe('project encoder', () => {
  const trained = trainProjectEncoder(corpus(400), { name: 'tiny-lsa', lsaDims: 8, hashedDims: 16, maxFeatures: 500, powerIterations: 2 });

  it('gives unit vectors of lsa_dims + hashed_dims; a text with no known feature is all zeros', () => {
    const enc = trained.encoder;
    expect(enc.dim).toBe(24);
    const v = enc.encodeOne('fed rates inflation');
    expect(dot(v, v)).toBeCloseTo(1, 5);
    expect(Array.from(enc.encodeOne('zzzz qqqq'))).toEqual(new Array(24).fill(0));
  });

  it('puts texts of one topic closer than texts of another (the SVD learnt co-occurrence)', () => {
    const enc = trained.encoder;
    const a = enc.encodeOne('powell signals another hike');
    const b = enc.encodeOne('treasury yields rise on inflation');
    const c = enc.encodeOne('opec cuts crude output');
    expect(dot(a, b)).toBeGreaterThan(dot(a, c));
  });

  it('trains deterministically and round-trips through its files, refusing a corrupted matrix', () => {
    const again = trainProjectEncoder(corpus(400), { name: 'tiny-lsa', lsaDims: 8, hashedDims: 16, maxFeatures: 500, powerIterations: 2 });
    expect(again.bin.equals(trained.bin)).toBe(true);
    const path = writeProjectEncoder(dir, trained);
    const loaded = ProjectEncoder.load(path);
    expect(loaded.id).toBe(trained.encoder.id);
    expect(Array.from(loaded.encodeOne('bitcoin etf inflows'))).toEqual(Array.from(trained.encoder.encodeOne('bitcoin etf inflows')));
    const bin = readFileSync(join(dir, 'tiny-lsa.bin'));
    bin[10] = (bin[10]! + 1) % 256;
    writeProjectEncoder(join(dir, 'bad'), { header: trained.header, bin });
    expect(() => ProjectEncoder.load(join(dir, 'bad', 'tiny-lsa.json'))).toThrow(/sha256/);
  });

  it('ships a committed encoder that loads offline', () => {
    const enc = ProjectEncoder.load(DEFAULT_ENCODER_PATH);
    expect(enc.dim).toBe(384);
    const v = enc.encodeOne('Apple beats earnings estimates');
    const w = enc.encodeOne('$AAPL tops earnings expectations');
    const x = enc.encodeOne('Oil falls as OPEC raises output');
    expect(dot(v, w)).toBeGreaterThan(dot(v, x));
  });
});
