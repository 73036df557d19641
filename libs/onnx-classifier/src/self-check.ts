/**
 * Load-time self-check. A known failure of ONNX ports of FinBERT (a tokenizer that does not match the weights,
 * inputs the graph silently ignores) is a model that answers "neutral" with near-identical probabilities for every
 * sentence. It loads and runs without an error, so only its answers can give it away: the loader scores a few
 * probe sentences of plainly different tone and refuses a model whose answers do not move.
 */
import type { Probabilities } from './aggregate.ts';
import { SENTIMENT_LABELS, type SentimentLabel } from './labels.ts';

export interface Probe {
  text: string;
  /** What a working financial sentiment model says; used only when `expect_direction` is on. */
  tone: SentimentLabel;
}

/** Written for this project in the style of Financial PhraseBank sentences; unambiguous on purpose. */
export const PROBES: readonly Probe[] = [
  { text: 'Operating profit rose sharply to a record and the company raised its full-year outlook.', tone: 'positive' },
  { text: 'Net sales fell sharply and the company swung to a heavy loss, cutting its dividend.', tone: 'negative' },
  { text: 'The annual general meeting will be held in Helsinki on 3 April.', tone: 'neutral' },
  { text: 'Shares soared after the bank beat earnings estimates by a wide margin.', tone: 'positive' },
  { text: 'The stock plunged after regulators opened a fraud investigation into the company.', tone: 'negative' },
  { text: 'The company has offices in Finland and Sweden.', tone: 'neutral' },
];

export interface SelfCheckOptions {
  min_spread: number;
  expect_direction: boolean;
}

export interface SelfCheckReport {
  passed: boolean;
  /** Largest (max − min) of one class probability across the probes: 0 when every answer is the same. */
  spread: number;
  probes: { text: string; tone: SentimentLabel; probs: Probabilities }[];
  /** Why it failed, one line each; empty when it passed. */
  problems: string[];
}

export function spreadOf(probs: readonly Probabilities[]): number {
  let spread = 0;
  for (const l of SENTIMENT_LABELS) {
    const xs = probs.map((p) => p[l]);
    spread = Math.max(spread, Math.max(...xs) - Math.min(...xs));
  }
  return spread;
}

/** Judges probe answers (in PROBES order). Direction: P(pos) > P(neg) for positive probes, the reverse for negative. */
export function judgeProbes(probes: readonly Probe[], probs: readonly Probabilities[], opts: SelfCheckOptions): SelfCheckReport {
  const spread = spreadOf(probs);
  const problems: string[] = [];
  if (spread < opts.min_spread) {
    problems.push(`probe answers barely move (largest spread of a class probability ${spread.toFixed(4)} < ${opts.min_spread})`);
  }
  if (opts.expect_direction) {
    probes.forEach((probe, i) => {
      const p = probs[i] as Probabilities;
      const wrong = (probe.tone === 'positive' && !(p.positive > p.negative)) || (probe.tone === 'negative' && !(p.negative > p.positive));
      if (wrong)
        problems.push(
          `clearly ${probe.tone} probe scored P(pos)=${p.positive.toFixed(3)} P(neg)=${p.negative.toFixed(3)}: "${probe.text}"`,
        );
    });
  }
  return {
    passed: problems.length === 0,
    spread,
    probes: probes.map((p, i) => ({ text: p.text, tone: p.tone, probs: probs[i] as Probabilities })),
    problems,
  };
}
