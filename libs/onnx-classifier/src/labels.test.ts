import { describe, expect, it } from 'vitest';
import { OnnxLabelError } from './errors.ts';
import { mapId2Label } from './labels.ts';

describe('mapId2Label', () => {
  it("reads FinBERT's order and any other order, case-insensitively", () => {
    expect(mapId2Label({ 0: 'positive', 1: 'negative', 2: 'neutral' })).toEqual({ positive: 0, negative: 1, neutral: 2 });
    expect(mapId2Label({ '0': 'NEUTRAL', '1': 'Positive', '2': 'negative' })).toEqual({ positive: 1, negative: 2, neutral: 0 });
    expect(mapId2Label({ 0: 'Bearish', 1: 'Bullish', 2: 'Neutral' })).toEqual({ positive: 1, negative: 0, neutral: 2 });
  });

  it.each([
    ['missing', undefined, /no id2label/],
    ['LABEL_n names', { 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' }, /cannot map "LABEL_0"/],
    ['two classes', { 0: 'positive', 1: 'negative' }, /2 classes/],
    ['four classes', { 0: 'positive', 1: 'negative', 2: 'neutral', 3: 'mixed' }, /4 classes/],
    ['a duplicate', { 0: 'positive', 1: 'bullish', 2: 'neutral' }, /two classes map onto positive/],
    ['an id out of range', { 0: 'positive', 1: 'negative', 5: 'neutral' }, /id 5/],
  ])('fails loudly on %s', (_what, id2label, message) => {
    expect(() => mapId2Label(id2label)).toThrow(OnnxLabelError);
    expect(() => mapId2Label(id2label)).toThrow(message);
  });
});
