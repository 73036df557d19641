import { describe, expect, it } from 'vitest';
import { claimGrounded, claimSupport, entityIn, indexText } from './grounding.ts';
import { noveltyFromCandidates, numbersAgree, numbersOf, sameStory } from './novelty.ts';
import { shingleHashes, type StoryCandidate } from './story-index.ts';

describe('grounding checks', () => {
  const t = indexText('$NVDA jumps 8% after Nvidia reported revenue of 22.1 billion; CEO Jensen Huang cites AI demand');

  it('finds entities as whole words in order, cashtag or not', () => {
    expect(entityIn('Jensen Huang', t)).toBe(true);
    expect(entityIn('NVDA', t)).toBe(true);
    expect(entityIn('$nvda', t)).toBe(true);
    expect(entityIn('Huang Jensen', t)).toBe(false);
    expect(entityIn('Jen', t)).toBe(false);
  });

  it('needs most content words and every number of a claim', () => {
    expect(claimGrounded(claimSupport('Nvidia revenue was 22.1 billion', t), 0.75)).toBe(true);
    const wrongNumber = claimSupport('Nvidia revenue was 23.5 billion', t);
    expect(wrongNumber.missingNumbers).toEqual(['23.5']);
    expect(claimGrounded(wrongNumber, 0.75)).toBe(false);
    const unrelated = claimSupport('Apple cut its dividend', t);
    expect(unrelated.coverage).toBe(0);
    expect(claimGrounded(unrelated, 0.75)).toBe(false);
  });
});

describe('novelty rules', () => {
  it('compares numbers as sets: a repeat may add a detail, not change one', () => {
    expect(numbersAgree(numbersOf('buys GRPN for 7b'), numbersOf('buys GRPN for 7b at 8 a share'))).toBe(true);
    expect(numbersAgree(numbersOf('relative volume 11.26'), numbersOf('relative volume 3.81'))).toBe(false);
    expect(numbersAgree(numbersOf('no numbers'), numbersOf('rates up 25 bp'))).toBe(true);
    expect(sameStory(0.95, 0.9, 'up 25 bp', 'up 50 bp')).toBe(false);
    expect(sameStory(0.89, 0.9, 'fed raises rates today', 'oil drops on opec supply news')).toBe(false);
    // Low similarity, but most of the wording shared (a retweet with a comment): the same story.
    expect(sameStory(0.6, 0.9, 'RT wow: Apple buys Beats for 3b in cash', 'Apple buys Beats for 3b in cash')).toBe(true);
  });

  const cand = (id: string, text: string, similarity: number, duplicateOf: string | null = null): StoryCandidate => ({
    entry: { rowid: 0, id, text, publishedMs: 0, vector: new Float32Array(0), shingles: shingleHashes(text), duplicateOf, seen: 0 },
    similarity,
    jaccard: 0,
  });
  const rule = { threshold: 0.9, minJaccard: 0.5 };

  it('links a repeat to the chain root of the first same-story candidate', () => {
    expect(noveltyFromCandidates([], 'x', rule)).toEqual({ score: 1, nearest_id: null, similarity: null });
    expect(noveltyFromCandidates([cand('b', 'fed hikes', 0.97, 'a')], 'fed hikes', rule)).toEqual({
      score: 0.03,
      nearest_id: 'b',
      similarity: 0.97,
      duplicate_of: 'a',
    });
    expect(noveltyFromCandidates([cand('b', 'oil', -0.2)], 'fed', rule)).toEqual({ score: 1, nearest_id: 'b', similarity: -0.2 });
    // The nearest has a conflicting number; the next candidate shares the wording and the number.
    const both = [cand('n', 'rates up 50 bp', 0.95), { ...cand('m', 'fed: rates up 25 bp', 0.7), jaccard: 0.6 }];
    expect(noveltyFromCandidates(both, 'rates up 25 bp', rule)).toMatchObject({ nearest_id: 'n', duplicate_of: 'm' });
  });
});
