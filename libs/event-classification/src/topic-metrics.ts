import type { EventCategory } from '@himari/contracts';
import { computeMetrics } from '@himari/text-classifier';
import type { ClassMetrics } from '@himari/text-classifier';
import { TOPIC_CONFUSION_CLASSES, TOPIC_SCORE_CLASSES } from './topics.ts';
import type { TopicScoreClass } from './topics.ts';

export interface TopicMetrics {
  n: number;
  accuracy: number;
  /** Mean F1 over TOPIC_SCORE_CLASSES (the categories the topic table maps to), each class counting once. */
  macro_f1: number;
  /** F1 per scored class weighted by its share of the rows. */
  weighted_f1: number;
  /** matrix[true][predicted] over TOPIC_CONFUSION_CLASSES (a `crypto_specific` answer gets its own column). */
  confusion: { labels: EventCategory[]; matrix: number[][] };
  per_class: Record<TopicScoreClass, ClassMetrics>;
}

/**
 * Accuracy and F1 of category answers against mapped topics. Truth is always a scored class; an answer outside them
 * (`crypto_specific`) counts as wrong and lowers the true class's recall, but is not a class of the average.
 */
export function topicMetrics(truth: readonly EventCategory[], predicted: readonly EventCategory[]): TopicMetrics {
  const m = computeMetrics<EventCategory>(TOPIC_CONFUSION_CLASSES, truth, predicted);
  const scored = TOPIC_SCORE_CLASSES as readonly string[];
  const stray = truth.find((t) => !scored.includes(t));
  if (stray !== undefined) throw new RangeError(`true label ${stray} is not a scored topic class`);
  const perClass = Object.fromEntries(TOPIC_SCORE_CLASSES.map((c) => [c, m.per_class[c]])) as Record<TopicScoreClass, ClassMetrics>;
  const macro = TOPIC_SCORE_CLASSES.reduce((s, c) => s + perClass[c].f1, 0) / TOPIC_SCORE_CLASSES.length;
  return { n: m.n, accuracy: m.accuracy, macro_f1: macro, weighted_f1: m.weighted_f1, confusion: m.confusion, per_class: perClass };
}
