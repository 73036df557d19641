/** Class order used everywhere in this lib: model weights, confusion matrices, probabilities. */
export const LABELS = ['negative', 'neutral', 'positive'] as const;
export type Label = (typeof LABELS)[number];
export const NUM_CLASSES = LABELS.length;

export const LABEL_INDEX: Readonly<Record<Label, number>> = { negative: 0, neutral: 1, positive: 2 };
