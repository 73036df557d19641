import { OnnxLabelError } from './errors.ts';

export const SENTIMENT_LABELS = ['positive', 'negative', 'neutral'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

/**
 * Names a sentiment model may give its classes, lower-cased. FinBERT says positive/negative/neutral; other finance
 * models say bullish/bearish. `LABEL_0`-style names carry no meaning and are refused rather than guessed.
 */
const SYNONYMS: Readonly<Record<string, SentimentLabel>> = {
  positive: 'positive',
  pos: 'positive',
  bullish: 'positive',
  negative: 'negative',
  neg: 'negative',
  bearish: 'negative',
  neutral: 'neutral',
  neu: 'neutral',
};

/** Where each of our labels sits in the model's logits. */
export type LabelIndex = Readonly<Record<SentimentLabel, number>>;

/**
 * Maps a model config's `id2label` onto our three labels, case-insensitively. Throws OnnxLabelError unless the
 * model has exactly three classes, with ids 0..2, each naming a different one of ours.
 */
export function mapId2Label(id2label: unknown): LabelIndex {
  if (id2label === null || typeof id2label !== 'object') {
    throw new OnnxLabelError(`the model config has no id2label mapping; cannot tell which logit is which sentiment`);
  }
  const entries = Object.entries(id2label as Record<string, unknown>);
  const shown = JSON.stringify(id2label);
  if (entries.length !== SENTIMENT_LABELS.length) {
    throw new OnnxLabelError(
      `the model has ${entries.length} classes ${shown}; a sentiment model needs exactly positive, negative and neutral`,
    );
  }
  const out: Partial<Record<SentimentLabel, number>> = {};
  for (const [key, name] of entries) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 0 || id >= entries.length)
      throw new OnnxLabelError(`id2label ${shown}: id ${key} is not one of 0..${entries.length - 1}`);
    const label = typeof name === 'string' ? SYNONYMS[name.trim().toLowerCase()] : undefined;
    if (label === undefined)
      throw new OnnxLabelError(`id2label ${shown}: cannot map ${JSON.stringify(name)} onto positive/negative/neutral`);
    if (out[label] !== undefined) throw new OnnxLabelError(`id2label ${shown}: two classes map onto ${label}`);
    out[label] = id;
  }
  return out as LabelIndex;
}
