import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@himari/numeric';
import type { Factors } from './chain.ts';
import {
  ACTIONS,
  expectedReward,
  featureVector,
  initialPolicy,
  probabilities,
  reward,
  rlmfUpdate,
  ruleReward,
  weighDecision,
  type Action,
  type Experience,
} from './policy.ts';

const F0: Factors = { news_sentiment: 0, surprise: 0, market_trend: 0, impact: 0, uncertainty: 0 };

describe('reward (the design)', () => {
  it('is the sign of the P&L when the action follows the signal, −|P&L| otherwise', () => {
    expect(reward(1, 1, 0.02)).toBe(1);
    expect(reward(1, 1, -0.02)).toBe(-1);
    expect(reward(-1, -1, -0.03)).toBe(1);
    expect(reward(1, -1, 0.02)).toBeCloseTo(-0.02);
    expect(reward(1, 0, 0.02)).toBe(-0);
    expect(reward(0, 0, 0.05)).toBe(0);
    expect(reward(0, 1, -0.05)).toBeCloseTo(-0.05);
  });
});

/**
 * A market where the signal is right when the chain's `surprise` factor is positive and wrong otherwise: the best
 * policy follows the signal on positive surprise and holds on negative. The uniform starting policy cannot know.
 */
function world(n: number, seed: number): Experience[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const s = (rand() < 0.5 ? 1 : -1) as Action;
    const surprise = rand() * 2 - 1;
    const right = surprise > 0 ? rand() < 0.9 : rand() < 0.1;
    const size = 0.005 + rand() * 0.02;
    return {
      signal_id: `w${i}`,
      asset: 'X',
      at: i,
      input: { signalDirection: s, signalConfidence: 0.7, factors: { ...F0, surprise } },
      realised_return: (right ? s : -s) * size,
    };
  });
}

describe('rlmfUpdate: policy gradient with a baseline', () => {
  it('learns when to follow the signal: expected reward on held-out experience rises well above the start and the rules', () => {
    const train = world(2000, 1);
    const test = world(1000, 2);
    let p = initialPolicy();
    const before = expectedReward(p, test);
    for (let i = 0; i < 10; i++) p = rlmfUpdate(p, train, { learningRate: 0.1, epochs: 2, seed: 3 }).state;
    const after = expectedReward(p, test);
    expect(after).toBeGreaterThan(before + 0.2);
    expect(after).toBeGreaterThan(ruleReward(test, 'follow') + 0.1);
    expect(after).toBeGreaterThan(ruleReward(test, 'hold'));
    expect(p.updates).toBe(10);
    const follow = probabilities(p, { signalDirection: 1, signalConfidence: 0.7, factors: { ...F0, surprise: 0.8 } });
    const hold = probabilities(p, { signalDirection: 1, signalConfidence: 0.7, factors: { ...F0, surprise: -0.8 } });
    expect(follow[2]).toBeGreaterThan(0.6);
    expect(hold[2]).toBeLessThan(0.3);
  });

  it('the all-actions (expected) estimator learns the same world', () => {
    const train = world(2000, 1);
    const test = world(1000, 2);
    let p = initialPolicy();
    for (let i = 0; i < 10; i++) p = rlmfUpdate(p, train, { learningRate: 0.1, epochs: 2, seed: 3, gradient: 'expected' }).state;
    expect(expectedReward(p, test)).toBeGreaterThan(ruleReward(test, 'follow') + 0.1);
  });

  it('is deterministic for a seed and leaves its input state untouched', () => {
    const xs = world(200, 4);
    const s0 = initialPolicy();
    const a = rlmfUpdate(s0, xs, { learningRate: 0.1, epochs: 1, seed: 9 });
    const b = rlmfUpdate(s0, xs, { learningRate: 0.1, epochs: 1, seed: 9 });
    expect(a.state.weights).toEqual(b.state.weights);
    expect(s0.weights.flat().every((w) => w === 0)).toBe(true);
  });

  it('steps along the gradient of log π: a positive advantage raises the sampled action', () => {
    // One experience where every action but BUY earns ≤ 0: after updates BUY's probability must grow.
    const xs: Experience[] = [
      { signal_id: 'a', asset: 'X', at: 0, input: { signalDirection: 1, signalConfidence: 0.9, factors: F0 }, realised_return: 0.03 },
    ];
    let p = initialPolicy();
    const x = xs[0]!.input;
    const start = probabilities(p, x)[2];
    for (let i = 0; i < 50; i++) p = rlmfUpdate(p, xs, { learningRate: 0.5, epochs: 1, seed: i }).state;
    expect(probabilities(p, x)[2]).toBeGreaterThan(start + 0.3);
    expect(featureVector(x)).toHaveLength(13);
  });
});

describe('weighDecision', () => {
  it('returns the model decision when there is no policy', () => {
    expect(weighDecision({ direction: 1, confidence: 0.8 }, null, 0.3)).toMatchObject({ direction: 1, confidence: 0.8 });
  });

  it('mixes the policy in: a confident policy can turn a weak BUY into a HOLD, a weak one only lowers confidence', () => {
    expect(weighDecision({ direction: 1, confidence: 0.4 }, [0.05, 0.9, 0.05], 0.5).direction).toBe(0);
    const mild = weighDecision({ direction: 1, confidence: 0.8 }, [0.3, 0.4, 0.3], 0.3);
    expect(mild.direction).toBe(1);
    expect(mild.confidence).toBeCloseTo(0.7 * 0.8 + 0.3 * 0.3);
    expect(ACTIONS).toEqual([-1, 0, 1]);
  });
});
