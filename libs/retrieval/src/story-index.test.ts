import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@himari/numeric';
import { jaccard, shingleHashes, StoryIndex } from './story-index.ts';

const DIM = 32;

function unit(rand: () => number): Float32Array {
  const v = new Float32Array(DIM);
  let n = 0;
  for (let i = 0; i < DIM; i++) {
    v[i] = rand() * 2 - 1;
    n += v[i]! * v[i]!;
  }
  for (let i = 0; i < DIM; i++) v[i]! /= Math.sqrt(n);
  return v;
}

/** A vector at cosine `cos` from `v`. */
function near(v: Float32Array, cos: number, rand: () => number): Float32Array {
  const r = unit(rand);
  let d = 0;
  for (let i = 0; i < DIM; i++) d += r[i]! * v[i]!;
  const o = r.map((x, i) => x - d * v[i]!);
  const on = Math.hypot(...o);
  return v.map((x, i) => cos * x + Math.sqrt(1 - cos * cos) * (o[i]! / on));
}

describe('StoryIndex', () => {
  it('measures shingle overlap exactly', () => {
    const a = shingleHashes('Apple buys Beats for 3b in cash');
    expect(jaccard(a, a)).toBe(1);
    expect(jaccard(a, shingleHashes('RT wow: Apple buys Beats for 3b in cash'))).toBeGreaterThanOrEqual(0.5);
    expect(jaccard(a, shingleHashes('oil drops on opec supply news'))).toBe(0);
  });

  it('finds reworded and re-tweeted repeats among many unrelated documents, scoring few of them', () => {
    const rand = mulberry32(7);
    const idx = new StoryIndex(1e9, DIM);
    const story = unit(rand);
    idx.add({
      rowid: 1,
      id: 'first',
      text: 'Apple buys Beats for 3b in cash, deal closes in June',
      publishedMs: 0,
      vector: story,
      duplicateOf: null,
    });
    for (let i = 2; i < 5_000; i++) {
      idx.add({
        rowid: i,
        id: `n${i}`,
        text: `unrelated note ${i} about topic ${i % 97}`,
        publishedMs: i,
        vector: unit(rand),
        duplicateOf: null,
      });
    }
    // Same wording plus a comment, vector far below the threshold: the shingles find it.
    const retweet = idx.candidates(unit(rand), shingleHashes('RT big: Apple buys Beats for 3b in cash, deal closes in June'), 0);
    expect(retweet.find((c) => c.entry.id === 'first')?.jaccard).toBeGreaterThanOrEqual(0.5);
    // Different words, vector at cosine 0.95: the hyperplanes find it.
    const reworded = idx.candidates(near(story, 0.95, rand), shingleHashes('beats acquired by apple'), 0);
    expect(reworded[0]?.entry.id).toBe('first');
    expect(reworded[0]!.similarity).toBeCloseTo(0.95, 5);
    // The cost: a bounded number of exact checks, not the 5,000 documents of the window.
    expect(retweet.length).toBeLessThan(400);
    expect(reworded.length).toBeLessThan(400);
  });

  it('forgets documents older than its window and removed ones', () => {
    const rand = mulberry32(3);
    const idx = new StoryIndex(100, DIM);
    const v = unit(rand);
    idx.add({ rowid: 1, id: 'a', text: 'fed raises rates by 25 basis points', publishedMs: 0, vector: v, duplicateOf: null });
    idx.add({ rowid: 2, id: 'b', text: 'fed raises rates by 25 basis points', publishedMs: 50, vector: v, duplicateOf: 'a' });
    expect(idx.candidates(v, shingleHashes('fed raises rates by 25 basis points'), 40).map((c) => c.entry.id)).toEqual(['b']);
    idx.remove([2]);
    expect(idx.candidates(v, shingleHashes('fed raises rates by 25 basis points'), 40)).toEqual([]);
    idx.add({ rowid: 3, id: 'c', text: 'later', publishedMs: 500, vector: unit(rand), duplicateOf: null });
    expect(idx.floor()).toBe(400);
  });
});
