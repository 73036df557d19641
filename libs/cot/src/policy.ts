/**
 * RLMF (reinforcement learning from market feedback), the design's way: a small policy maps the chain's extracted
 * factors (and the model's own conclusion) to a distribution over SELL / HOLD / BUY; market outcomes give rewards;
 * a policy-gradient step with a baseline (REINFORCE, Williams 1992) moves the policy toward actions that earned
 * more than the baseline. The cot-actor then mixes the policy's distribution into its final decision.
 *
 * Reward (the design's): the sign of the P&L when the action followed the signal, −|P&L| otherwise, where the P&L
 * of an action a ∈ {−1, 0, 1} is a × realised return. Following a right signal earns +1, a wrong one −1; leaving
 * the signal costs the size of the move it would have missed or taken (0 for staying flat).
 */
import { FACTOR_NAMES, type Factors } from './chain.ts';
import { mulberry32 } from '@himari/numeric';

export const ACTIONS = [-1, 0, 1] as const;
export type Action = (typeof ACTIONS)[number];

export function actionIndex(a: Action): number {
  return a + 1;
}

export function reward(signalDirection: Action, action: Action, realisedReturn: number): number {
  const pnl = action * realisedReturn;
  return action === signalDirection ? Math.sign(pnl) : -Math.abs(pnl);
}

/** What the policy sees of one chain: the model's conclusion and the factors it extracted. */
export interface PolicyInput {
  /** The model's direction (before the policy weighs in). */
  signalDirection: Action;
  /** The model's confidence, 0..1. */
  signalConfidence: number;
  factors: Factors;
}

/** [1, s, s·c, f₁…f₅, s·f₁…s·f₅]: the interactions let a linear policy learn *when* to follow the signal. */
export function featureVector(x: PolicyInput): number[] {
  const s = x.signalDirection;
  const f = FACTOR_NAMES.map((n) => x.factors[n]);
  return [1, s, s * x.signalConfidence, ...f, ...f.map((v) => s * v)];
}

export const FEATURE_COUNT = 3 + 2 * FACTOR_NAMES.length;

export interface PolicyState {
  version: number;
  /** Rows SELL, HOLD, BUY; FEATURE_COUNT columns. */
  weights: number[][];
  /** Running mean reward: the baseline of the gradient. */
  baseline: number;
  updates: number;
  /** Experiences seen by updates, in total. */
  seen: number;
}

export function initialPolicy(): PolicyState {
  return { version: 0, weights: ACTIONS.map(() => new Array<number>(FEATURE_COUNT).fill(0)), baseline: 0, updates: 0, seen: 0 };
}

export function probabilities(p: PolicyState, x: PolicyInput): [number, number, number] {
  const phi = featureVector(x);
  const logits = p.weights.map((w) => w.reduce((acc, wi, i) => acc + wi * phi[i]!, 0));
  const m = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - m));
  const z = e.reduce((a, b) => a + b, 0);
  return [e[0]! / z, e[1]! / z, e[2]! / z];
}

export interface Experience {
  signal_id: string;
  asset: string;
  /** Epoch ms of the signal. */
  at: number;
  input: PolicyInput;
  realised_return: number;
  /** What the trading side did; absent: it followed the signal. */
  action?: Action | undefined;
}

/** The reward the recorded action earned (what was actually earned). */
export function earnedReward(e: Experience): number {
  return reward(e.input.signalDirection, e.action ?? e.input.signalDirection, e.realised_return);
}

/** Expected reward of the policy's distribution on the experiences: Σₐ π(a|x)·r(a). */
export function expectedReward(p: PolicyState, experiences: readonly Experience[]): number {
  if (experiences.length === 0) return 0;
  let total = 0;
  for (const e of experiences) {
    const probs = probabilities(p, e.input);
    for (const a of ACTIONS) total += probs[actionIndex(a)]! * reward(e.input.signalDirection, a, e.realised_return);
  }
  return total / experiences.length;
}

/** Reward of always taking the policy's most likely action. */
export function greedyReward(p: PolicyState, experiences: readonly Experience[]): number {
  if (experiences.length === 0) return 0;
  let total = 0;
  for (const e of experiences) {
    const probs = probabilities(p, e.input);
    const best = ACTIONS[probs.indexOf(Math.max(...probs))]!;
    total += reward(e.input.signalDirection, best, e.realised_return);
  }
  return total / experiences.length;
}

/** Reward of a fixed rule: `follow` the signal, or always `hold`. */
export function ruleReward(experiences: readonly Experience[], rule: 'follow' | 'hold'): number {
  if (experiences.length === 0) return 0;
  const sum = experiences.reduce(
    (acc, e) => acc + reward(e.input.signalDirection, rule === 'follow' ? e.input.signalDirection : 0, e.realised_return),
    0,
  );
  return sum / experiences.length;
}

export interface UpdateOptions {
  learningRate: number;
  epochs: number;
  seed: number;
  /** Weight of the newest reward in the running baseline. @default 0.05 */
  baselineRate?: number;
  /** L2 shrinkage per step, keeps weights bounded on noisy rewards. @default 1e-4 */
  l2?: number;
  /**
   * `sampled`: REINFORCE, one action sampled from the policy per experience. `expected`: the all-actions estimator
   * (Sutton et al. 2001; "expected policy gradient", Ciosek & Whiteson 2018): since the reward of every action is
   * known from the realised return, the gradient sums over actions instead of sampling one; same expectation, far
   * less variance. Both subtract the baseline. @default 'sampled'
   */
  gradient?: 'sampled' | 'expected';
}

export interface UpdateReport {
  steps: number;
  meanReward: number;
  baseline: number;
}

/**
 * One `rlmf_update`: for each experience (shuffled, `epochs` passes), sample an action from the current policy,
 * score it with the design's reward, and step along (r − b)·∇log π(a|x); b is a running mean of rewards. Returns a
 * new state (the input is not changed).
 */
export function rlmfUpdate(
  state: PolicyState,
  experiences: readonly Experience[],
  opts: UpdateOptions,
): { state: PolicyState; report: UpdateReport } {
  const rand = mulberry32(opts.seed + state.updates * 7919);
  const w = state.weights.map((row) => [...row]);
  let baseline = state.baseline;
  const beta = opts.baselineRate ?? 0.05;
  const l2 = opts.l2 ?? 1e-4;
  let steps = 0;
  let sum = 0;
  const order = experiences.map((_, i) => i);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    shuffle(order, rand);
    for (const i of order) {
      const e = experiences[i]!;
      const phi = featureVector(e.input);
      const probs = probabilities({ ...state, weights: w }, e.input);
      // d/d logit_k of Σ_a c_a·log π(a|x) = Σ_a c_a·(1[k=a] − π_k), with c_a the weight of action a's log-probability.
      const coef = [0, 0, 0];
      let r: number;
      if (opts.gradient === 'expected') {
        const rs = ACTIONS.map((act) => reward(e.input.signalDirection, act, e.realised_return));
        for (let a = 0; a < 3; a++) coef[a] = probs[a]! * (rs[a]! - baseline);
        r = rs.reduce((acc, ra, a) => acc + probs[a]! * ra, 0);
      } else {
        const a = sample(probs, rand);
        r = reward(e.input.signalDirection, ACTIONS[a]!, e.realised_return);
        coef[a] = r - baseline;
      }
      const csum = coef[0]! + coef[1]! + coef[2]!;
      for (let k = 0; k < w.length; k++) {
        const g = coef[k]! - probs[k]! * csum;
        const row = w[k]!;
        for (let j = 0; j < row.length; j++) row[j] = row[j]! * (1 - l2) + opts.learningRate * g * phi[j]!;
      }
      baseline += beta * (r - baseline);
      sum += r;
      steps++;
    }
  }
  const next: PolicyState = {
    version: state.version + 1,
    weights: w,
    baseline,
    updates: state.updates + 1,
    seen: state.seen + experiences.length,
  };
  return { state: next, report: { steps, meanReward: steps > 0 ? sum / steps : 0, baseline } };
}

/**
 * The final decision: the model's conclusion as a distribution (its confidence on its direction, the rest spread
 * evenly), mixed with the policy's at `weight`. Direction is the most likely action; confidence its probability.
 */
export function weighDecision(
  model: { direction: Action; confidence: number },
  policy: [number, number, number] | null,
  weight: number,
): { direction: Action; confidence: number; distribution: [number, number, number] } {
  const q: [number, number, number] = [0, 0, 0];
  for (const a of ACTIONS) q[actionIndex(a)] = a === model.direction ? model.confidence : (1 - model.confidence) / 2;
  if (policy === null || weight === 0) return { direction: model.direction, confidence: model.confidence, distribution: q };
  const p = q.map((v, i) => (1 - weight) * v + weight * policy[i]!) as [number, number, number];
  const best = p.indexOf(Math.max(...p));
  // Ties keep the model's own direction: the policy has to outweigh it, not merely equal it.
  const direction = p[actionIndex(model.direction)] === p[best] ? model.direction : ACTIONS[best]!;
  return { direction, confidence: p[actionIndex(direction)]!, distribution: p };
}

function sample(probs: readonly number[], rand: () => number): number {
  let u = rand();
  for (let i = 0; i < probs.length; i++) {
    u -= probs[i]!;
    if (u <= 0) return i;
  }
  return probs.length - 1;
}

function shuffle(xs: number[], rand: () => number): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
}
