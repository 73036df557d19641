import { describe, expect, it } from 'vitest';
import { claimGrounded, claimSupport, entityIn, indexText } from './grounding.ts';
import { numbersAgree, numbersOf, noveltyOf, sameStory } from './novelty.ts';

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
    expect(sameStory(0.89, 0.9, 'same', 'same')).toBe(false);
  });

  it('links a repeat to the chain root of its nearest document', () => {
    expect(noveltyOf(null, 'x', 0.9)).toEqual({ score: 1, nearest_id: null, similarity: null });
    expect(noveltyOf({ id: 'b', text: 'fed hikes', similarity: 0.97, duplicateOf: 'a' }, 'fed hikes', 0.9)).toEqual({
      score: 0.03,
      nearest_id: 'b',
      similarity: 0.97,
      duplicate_of: 'a',
    });
    expect(noveltyOf({ id: 'b', text: 'oil', similarity: -0.2, duplicateOf: null }, 'fed', 0.9)).toEqual({
      score: 1,
      nearest_id: 'b',
      similarity: -0.2,
    });
  });
});
